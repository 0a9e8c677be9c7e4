package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.tenantlake.proto.domain.confluence.v1.Page;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.domain.jira.v1.Project;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.testkit.KernelTableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Invariant 3 end to end, through a SIGKILL of the engine: generated histories for 200 tenants over the 5 shipped models, posted in
 * shuffled order with duplicates, deletes, re-creations after a delete and late stale events, go
 * through intake, Kinesis, raw, tenant entities, models and merges; every refined table, read with
 * Delta Kernel, then equals the fold of each entity's highest version computed here.
 */
class RefinedConvergenceTest {
  static final String[] LABELS = {"backend", "frontend", "bug", "urgent", "customer"};
  static LocalLake lake;
  // Many small raw commits, each followed by its merges, so the SIGKILL below lands between them.
  static final Map<String, String> SMALL_BATCHES = new java.util.HashMap<>(Map.of("tenantlake.ingest.commit.max-records", "1000"));

  static {
    SMALL_BATCHES.putAll(TenantStateCheck.TOKENS);
  }

  @BeforeAll
  static void start() throws Exception {
    Path logs = Paths.get("target", "it-logs", "refined");
    Files.createDirectories(logs);
    lake = new LocalLake("region-refined", 2, logs);
    lake.startEngine(SMALL_BATCHES);
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  /** The expected refined rows: per table, per tenant/entity, the row(s) as comparable text. */
  final Map<String, Map<String, TreeSet<String>>> expected = new HashMap<>();

  @Test
  void everyRefinedTableEqualsTheFoldOfTheHighestVersions() throws Exception {
    Random random = new Random(2026);
    List<ChangeEvent> events = new ArrayList<>();
    for (int t = 0; t < 200; t++) {
      String tenant = String.format("conv-%03d", t);
      for (String type : List.of("jira.issue", "jira.project", "identity.user", "confluence.page")) {
        for (int e = 0; e < 2; e++) events.addAll(history(tenant, type, type.replace('.', '-') + "-" + e, random));
      }
    }
    List<ChangeEvent> posted = new ArrayList<>(events);
    for (int i = 0; i < events.size() / 20; i++) posted.add(events.get(random.nextInt(events.size())));
    Collections.shuffle(posted, random);
    for (int i = 0; i < posted.size(); i += 500) {
      List<ChangeEvent> batch = posted.subList(i, Math.min(posted.size(), i + 500));
      assertThat(lake.post(batch, (i / 500) % 2 == 0).path("accepted").asInt()).isEqualTo(batch.size());
    }

    // Crash the engine mid-stream, then start it again: it re-applies from raw what the refined
    // tables may not hold (their watermark), and the fold must still come out exact.
    lake.awaitRaw(posted.size() / 3, Duration.ofMinutes(3));
    lake.killEngine();
    lake.startEngine(SMALL_BATCHES);

    KernelTableReader kernel = new KernelTableReader(lake.s3.s3aSettings());
    long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
    Map<String, Map<String, TreeSet<String>>> actual = Map.of();
    while (System.nanoTime() < deadline) {
      actual = readRefined(kernel);
      if (actual.equals(expected)) break;
      Thread.sleep(3_000);
    }
    for (String table : expected.keySet()) {
      assertThat(actual.get(table)).as("refined/%s", table).isEqualTo(expected.get(table));
    }
  }

  @Test
  void tenantStateIsServedToTheTenantsOwnTokenOnly() throws Exception {
    TenantStateCheck.run(lake);
  }

  /** One entity's events: created, updated a few times, maybe deleted and created again. */
  private List<ChangeEvent> history(String tenant, String type, String id, Random random) throws Exception {
    List<ChangeEvent> out = new ArrayList<>();
    int versions = 1 + random.nextInt(5);
    int deleteAt = versions >= 2 && random.nextInt(3) == 0 ? 1 + random.nextInt(versions - 1) : -1;
    boolean deletedLast = false;
    ChangeEvent last = null;
    for (int v = 1; v <= versions; v++) {
      Op op = v == deleteAt ? Op.OP_DELETED : (v == 1 || v == deleteAt + 1) ? Op.OP_CREATED : Op.OP_UPDATED;
      if (v == versions && deleteAt < 0 && random.nextInt(6) == 0) op = Op.OP_DELETED;
      ChangeEvent.Builder b = ChangeEvent.newBuilder().setEventId(tenant + "-" + id + "-v" + v).setTenantId(tenant)
          .setEntityType(type).setEntityId(id).setOp(op).setVersion(v);
      if (op != Op.OP_DELETED) b.setPayload(Any.pack(payload(type, id, v, random)));
      last = b.build();
      out.add(last);
    }
    expect(tenant, type, id, last);
    return out;
  }

  private Message payload(String type, String id, int v, Random random) {
    return switch (type) {
      case "jira.issue" -> {
        Issue.Builder b = Issue.newBuilder().setKey(id).setSummary(id + " v" + v).setStatus(v % 2 == 0 ? "Done" : "Open");
        for (String l : LABELS) if (random.nextInt(3) == 0) b.addLabels(l);
        yield b.build();
      }
      case "jira.project" -> Project.newBuilder().setKey(id).setName("Project " + id + " v" + v).build();
      case "identity.user" -> User.newBuilder().setDisplayName("User " + id + " v" + v).setEmail(id + "@example.com")
          .setActive(v % 2 == 1).build();
      default -> Page.newBuilder().setSpaceKey("S").setTitle("Page " + id + " v" + v).build();
    };
  }

  private void expect(String tenant, String type, String id, ChangeEvent winner) throws Exception {
    String entity = tenant + "/" + id;
    boolean deleted = winner.getOp() == Op.OP_DELETED;
    String tomb = "deleted v" + winner.getVersion();
    switch (type) {
      case "jira.issue" -> {
        Issue issue = deleted ? null : winner.getPayload().unpack(Issue.class);
        put("jira_issues", entity, deleted ? tomb : issue.getSummary() + "|" + issue.getStatus() + "|v" + winner.getVersion());
        TreeSet<String> labels = new TreeSet<>();
        if (!deleted) labels.addAll(issue.getLabelsList());
        if (labels.isEmpty()) put("jira_issue_labels", entity, tomb);
        else labels.forEach(l -> put("jira_issue_labels", entity, l + "|v" + winner.getVersion()));
      }
      case "jira.project" -> put("jira_projects", entity,
          deleted ? tomb : winner.getPayload().unpack(Project.class).getName() + "|v" + winner.getVersion());
      case "identity.user" -> {
        User u = deleted ? null : winner.getPayload().unpack(User.class);
        put("users", entity, deleted ? tomb : u.getDisplayName() + "|" + u.getActive() + "|v" + winner.getVersion());
      }
      default -> put("confluence_pages", entity,
          deleted ? tomb : winner.getPayload().unpack(Page.class).getTitle() + "|v" + winner.getVersion());
    }
  }

  private void put(String table, String entity, String row) {
    expected.computeIfAbsent(table, t -> new TreeMap<>()).computeIfAbsent(entity, e -> new TreeSet<>()).add(row);
  }

  /** The same view of what Delta Kernel reads from each refined table. */
  private Map<String, Map<String, TreeSet<String>>> readRefined(KernelTableReader kernel) {
    Map<String, Map<String, TreeSet<String>>> out = new HashMap<>();
    for (String table : List.of("jira_issues", "jira_issue_labels", "jira_projects", "users", "confluence_pages")) {
      Map<String, TreeSet<String>> rows = new TreeMap<>();
      List<Map<String, Object>> read;
      try {
        read = kernel.read(lake.tableLocation("refined/" + table)).rows();
      } catch (Exception notYet) {
        continue;
      }
      for (Map<String, Object> r : read) {
        if (!((String) r.get("tenant_id")).startsWith("conv-")) continue;
        String entity = r.get("tenant_id") + "/" + r.get("_entity_id");
        String v = "v" + r.get("_version");
        String row = Boolean.TRUE.equals(r.get("_deleted")) ? "deleted " + v : switch (table) {
          case "jira_issues" -> r.get("summary") + "|" + r.get("status") + "|" + v;
          case "jira_issue_labels" -> r.get("label") + "|" + v;
          case "jira_projects" -> r.get("name") + "|" + v;
          case "users" -> r.get("display_name") + "|" + r.get("active") + "|" + v;
          default -> r.get("title") + "|" + v;
        };
        rows.computeIfAbsent(entity, e -> new TreeSet<>()).add(row);
      }
      out.put(table, rows);
    }
    return out;
  }
}
