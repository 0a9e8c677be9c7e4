package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.BootstrapRecord;
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
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 1,000,000-record snapshot of Jira issues is bootstrapped from S3 while live events for the
 * same issues flow through intake and Kinesis: newer versions, stale ones, deletes and new
 * issues. After both, {@code refined/jira_issues} and {@code refined/jira_issue_labels}, read with
 * Delta Kernel, equal the fold of the highest version of each issue over both lanes. The size can
 * be lowered for a quick local run with {@code -Dtenantlake.it.snapshot-records=N}.
 */
class BootstrapConvergenceTest {
  static final String SNAPSHOTS = "snapshots";
  static final String[] LABELS = {"backend", "frontend", "bug", "urgent", "customer"};
  static final int RECORDS = Integer.getInteger("tenantlake.it.snapshot-records", 1_000_000);
  static final int TENANTS = 100;
  static LocalLake lake;

  @BeforeAll
  static void start() throws Exception {
    Path logs = Paths.get("target", "it-logs", "bootstrap-convergence");
    Files.createDirectories(logs);
    lake = new LocalLake("region-bootfold", 2, logs);
    lake.s3().createBucket(SNAPSHOTS);
    lake.startEngine(Map.of("tenantlake.lanes.bootstrap.initial-rate", "100000"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  /** Per tenant/issue, the expected rows of jira_issues and jira_issue_labels, as text. */
  final Map<String, String> issues = new HashMap<>();
  final Map<String, String> labels = new HashMap<>();

  @Test
  void aSnapshotAndLiveEventsForTheSameIssuesConvergeToTheFoldOfBoth() throws Exception {
    Random random = new Random(1_000_000);
    int perTenant = RECORDS / TENANTS;
    Map<String, Object[]> winners = new HashMap<>(RECORDS * 2);
    List<BootstrapRecord> snapshot = new ArrayList<>(RECORDS);
    for (int i = 0; i < perTenant; i++) {
      for (int t = 0; t < TENANTS; t++) {
        String tenant = String.format("fold-%03d", t);
        String id = "ISSUE-" + i;
        long version = 10 + random.nextInt(5);
        Issue issue = issue(id, version, random);
        snapshot.add(BootstrapRecord.newBuilder().setEventId(tenant + "-" + id + "-snap").setTenantId(tenant)
            .setEntityType("jira.issue").setEntityId(id).setVersion(version).setPayload(Any.pack(issue)).build());
        winners.put(tenant + "/" + id, new Object[] {version, issue});
      }
    }
    // Live: for one issue in twenty a newer version, a stale one, or a delete; and new issues.
    List<ChangeEvent> live = new ArrayList<>();
    for (int k = 0; k < RECORDS / 20; k++) {
      String tenant = String.format("fold-%03d", random.nextInt(TENANTS));
      String id = "ISSUE-" + random.nextInt(perTenant);
      String key = tenant + "/" + id;
      long snapVersion = (long) winners.get(key)[0];
      int kind = random.nextInt(4);
      long version = kind == 0 ? snapVersion - 5 : kind == 3 ? snapVersion + 20 : snapVersion + 1 + random.nextInt(10);
      ChangeEvent.Builder e = ChangeEvent.newBuilder().setEventId(key + "-live-" + k).setTenantId(tenant)
          .setEntityType("jira.issue").setEntityId(id).setVersion(version);
      Issue issue = null;
      if (kind == 3) {
        e.setOp(Op.OP_DELETED);
      } else {
        issue = issue(id, version, random);
        e.setOp(Op.OP_UPDATED).setPayload(Any.pack(issue));
      }
      live.add(e.build());
      Object[] current = winners.get(key);
      if (version > (long) current[0]) winners.put(key, new Object[] {version, issue});
    }
    for (int k = 0; k < 2_000; k++) {
      String tenant = String.format("fold-%03d", k % TENANTS);
      String id = "NEW-" + k;
      Issue issue = issue(id, 1, random);
      live.add(ChangeEvent.newBuilder().setEventId(tenant + "-" + id).setTenantId(tenant).setEntityType("jira.issue")
          .setEntityId(id).setVersion(1).setOp(Op.OP_CREATED).setPayload(Any.pack(issue)).build());
      winners.put(tenant + "/" + id, new Object[] {1L, issue});
    }
    Collections.shuffle(live, random);
    winners.forEach(this::expect);

    SnapshotFiles.upload(lake.s3().client(), SNAPSHOTS, "issues", snapshot, 20, List.of());
    snapshot = null; // the test JVM needs the room for reading the tables back
    var submitted = lake.admin("POST", "/v1/admin/bootstrap",
        "{\"entity_type\": \"jira.issue\", \"uri\": \"s3://" + SNAPSHOTS + "/issues\"}");
    assertThat(submitted.status()).as("%s", submitted.body()).isEqualTo(202);
    String job = submitted.body().path("id").asText();

    // The live events go in while the bootstrap runs, a batch at a time.
    long liveStart = System.nanoTime();
    for (int i = 0; i < live.size(); i += 500) {
      List<ChangeEvent> batch = live.subList(i, Math.min(live.size(), i + 500));
      assertThat(lake.post(batch, (i / 500) % 2 == 0).path("accepted").asInt()).isEqualTo(batch.size());
      Thread.sleep(300);
    }
    JsonNode during = lake.admin("GET", "/v1/admin/jobs/" + job, null).body();
    System.out.printf("live events posted in %d ms; the job then: %s%n", (System.nanoTime() - liveStart) / 1_000_000, during);
    assertThat(during.path("state").asText()).as("the snapshot was still loading while live events flowed").isEqualTo("running");

    JsonNode done = BootstrapLaneTest.awaitDone(lake, job, Duration.ofMinutes(20));
    assertThat(done.path("records_done").asLong()).isEqualTo(RECORDS);
    System.out.println("bootstrap job: " + done);
    lake.awaitRaw(RECORDS + live.size(), Duration.ofMinutes(5));

    KernelTableReader kernel = new KernelTableReader(lake.s3().s3aSettings());
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    Map<String, String> actualIssues = Map.of();
    Map<String, String> actualLabels = Map.of();
    while (System.nanoTime() < deadline) {
      actualIssues = readIssues(kernel);
      actualLabels = readLabels(kernel);
      if (actualIssues.equals(issues) && actualLabels.equals(labels)) break;
      Thread.sleep(5_000);
    }
    assertThat(actualIssues.size()).isEqualTo(issues.size());
    assertThat(actualIssues).as("refined/jira_issues").isEqualTo(issues);
    assertThat(actualLabels).as("refined/jira_issue_labels").isEqualTo(labels);
  }

  private static Issue issue(String id, long version, Random random) {
    Issue.Builder b = Issue.newBuilder().setKey(id).setSummary(id + " v" + version).setStatus(version % 2 == 0 ? "Done" : "Open");
    for (String l : LABELS) if (random.nextInt(4) == 0) b.addLabels(l);
    return b.build();
  }

  private void expect(String key, Object[] winner) {
    long v = (long) winner[0];
    Issue issue = (Issue) winner[1];
    if (issue == null) {
      issues.put(key, "deleted v" + v);
      labels.put(key, "deleted v" + v);
      return;
    }
    issues.put(key, issue.getSummary() + "|" + issue.getStatus() + "|v" + v);
    TreeSet<String> l = new TreeSet<>(issue.getLabelsList());
    labels.put(key, l.isEmpty() ? "deleted v" + v : String.join(",", l) + "|v" + v);
  }

  private Map<String, String> readIssues(KernelTableReader kernel) throws Exception {
    Map<String, String> out = new HashMap<>(issues.size() * 2);
    for (var r : kernel.read(lake.tableLocation("refined/jira_issues"),
        List.of("tenant_id", "_entity_id", "_version", "_deleted", "summary", "status")).rows()) {
      String v = "v" + r.get("_version");
      out.put(r.get("tenant_id") + "/" + r.get("_entity_id"),
          Boolean.TRUE.equals(r.get("_deleted")) ? "deleted " + v : r.get("summary") + "|" + r.get("status") + "|" + v);
    }
    return out;
  }

  private Map<String, String> readLabels(KernelTableReader kernel) throws Exception {
    Map<String, TreeSet<String>> byIssue = new HashMap<>(issues.size() * 2);
    Map<String, String> version = new HashMap<>(issues.size() * 2);
    for (var r : kernel.read(lake.tableLocation("refined/jira_issue_labels"),
        List.of("tenant_id", "_entity_id", "_version", "_deleted", "label")).rows()) {
      String key = r.get("tenant_id") + "/" + r.get("_entity_id");
      version.put(key, "v" + r.get("_version"));
      TreeSet<String> set = byIssue.computeIfAbsent(key, k -> new TreeSet<>());
      if (!Boolean.TRUE.equals(r.get("_deleted"))) set.add((String) r.get("label"));
    }
    Map<String, String> out = new HashMap<>(byIssue.size() * 2);
    byIssue.forEach((key, set) -> out.put(key, set.isEmpty() ? "deleted " + version.get(key) : String.join(",", set) + "|" + version.get(key)));
    return out;
  }
}
