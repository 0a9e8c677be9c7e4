package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.testkit.KernelTableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Delta Sharing export end to end, on kinesalite and S3Proxy: two tenants' Jira issues go
 * through intake, raw and the refined merges in two rounds (the second updates, deletes and
 * creates); a share of tenant A is then read with a client written from the protocol text, as the
 * Python and the Spark connectors send and parse, every file downloaded through its pre-signed
 * S3Proxy URL and read with parquet-hadoop's own reader. Its live rows must equal the fold of the
 * posted events computed here, at the latest version and (time travel) at the first round's;
 * the changes since the first round, applied to its rows, must give the latest rows; and no token
 * but A's own, current one opens A's data, while no answer to A ever names a file of B.
 */
class DeltaSharingExportTest {
  static final String A = "shr-a";
  static final String B = "shr-b";
  static final List<String> MODELS = List.of("jira_issues", "jira_issue_labels", "jira_projects", "users", "confluence_pages");
  static LocalLake lake;
  static Path downloads;
  /** Per tenant and round, the winning event per issue. */
  static final Map<String, Map<String, ChangeEvent>> round1 = new HashMap<>();
  static final Map<String, Map<String, ChangeEvent>> latest = new HashMap<>();
  static long v1;
  static long round1At;
  static String tokenA;
  static String tokenB;
  static String endpoint;

  @BeforeAll
  static void start() throws Exception {
    Path logs = Paths.get("target", "it-logs", "sharing");
    Files.createDirectories(logs);
    downloads = Files.createTempDirectory("shared-files");
    lake = new LocalLake("region-sharing", 1, logs);
    lake.startEngine(Map.of("tenantlake.sharing.rotation-grace", "3s", "tenantlake.sharing.url-expiry", "10m"));
    post(1);
    awaitRefined(round1);
    KernelTableReader kernel = new KernelTableReader(lake.s3.s3aSettings());
    v1 = kernel.read(lake.tableLocation("refined/jira_issues")).version();
    round1At = System.currentTimeMillis();
    Thread.sleep(1_100); // the next commit's timestamp is strictly later than round1At
    post(2);
    awaitRefined(latest);

    tokenA = createShare(A, "warehouse", null).get("bearerToken").asText();
    JsonNode profileB = createShare(B, "warehouse", null);
    tokenB = profileB.get("bearerToken").asText();
    endpoint = profileB.get("endpoint").asText();
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  static JsonNode createShare(String tenant, String recipient, Long expiresIn) throws Exception {
    String body = "{\"recipient\":\"" + recipient + "\"" + (expiresIn == null ? "" : ",\"expires_in\":" + expiresIn) + "}";
    LocalLake.AdminAnswer a = lake.admin("POST", "/v1/admin/tenants/" + tenant + "/shares", body);
    assertThat(a.status()).as("create share: %s", a.body()).isEqualTo(201);
    JsonNode p = a.body();
    assertThat(p.get("shareCredentialsVersion").asInt()).isEqualTo(1);
    assertThat(p.get("bearerToken").asText()).hasSizeGreaterThan(43); // 32 random bytes in base64 and more
    assertThat(Instant.parse(p.get("expirationTime").asText())).isAfter(Instant.now());
    return p;
  }

  /** Round 1: 20 issues per tenant at v1-v2. Round 2: updates, deletes, a re-created and new issues. */
  static void post(int round) throws Exception {
    List<ChangeEvent> events = new ArrayList<>();
    for (String tenant : List.of(A, B)) {
      for (int i = 0; i < 20; i++) {
        String id = "ISSUE-" + i;
        if (round == 1) {
          events.add(issue(tenant, id, 1, Op.OP_CREATED));
          events.add(issue(tenant, id, 2, Op.OP_UPDATED));
        } else if (i % 4 == 0) {
          events.add(issue(tenant, id, 3, Op.OP_DELETED));
        } else if (i % 4 == 1) {
          events.add(issue(tenant, id, 3, Op.OP_UPDATED));
        } else if (i == 2) {
          events.add(issue(tenant, id, 3, Op.OP_DELETED));
          events.add(issue(tenant, id, 4, Op.OP_CREATED));
        }
      }
      if (round == 2) for (int i = 20; i < 25; i++) events.add(issue(tenant, "ISSUE-" + i, 1, Op.OP_CREATED));
    }
    assertThat(lake.post(events, true).path("accepted").asInt()).isEqualTo(events.size());
    for (ChangeEvent e : events) {
      Map<String, ChangeEvent> winners = latest.computeIfAbsent(e.getTenantId(), t -> new TreeMap<>());
      ChangeEvent w = winners.get(e.getEntityId());
      if (w == null || w.getVersion() < e.getVersion()) winners.put(e.getEntityId(), e);
    }
    if (round == 1) latest.forEach((t, w) -> round1.put(t, new TreeMap<>(w)));
  }

  static ChangeEvent issue(String tenant, String id, long v, Op op) {
    ChangeEvent.Builder b = ChangeEvent.newBuilder().setEventId(tenant + "-" + id + "-v" + v).setTenantId(tenant)
        .setEntityType("jira.issue").setEntityId(id).setOp(op).setVersion(v);
    if (op != Op.OP_DELETED) {
      Issue.Builder i = Issue.newBuilder().setKey(id).setSummary(tenant + " " + id + " v" + v).setStatus(v % 2 == 0 ? "Done" : "Open");
      if (v % 2 == 1) i.addLabels("bug");
      i.addLabels("l" + v);
      b.setPayload(Any.pack(i.build()));
    }
    return b.build();
  }

  /** Waits until both refined tables hold each issue's winning version (Delta Kernel reads them). */
  static void awaitRefined(Map<String, Map<String, ChangeEvent>> winners) throws Exception {
    KernelTableReader kernel = new KernelTableReader(lake.s3.s3aSettings());
    Map<String, Long> want = new TreeMap<>();
    winners.forEach((t, w) -> w.forEach((id, e) -> want.put(t + "/" + id, e.getVersion())));
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    Map<String, Map<String, Long>> seen = Map.of();
    while (System.nanoTime() < deadline) {
      seen = new HashMap<>();
      for (String table : List.of("jira_issues", "jira_issue_labels")) {
        Map<String, Long> versions = new TreeMap<>();
        try {
          for (Map<String, Object> r : kernel.read(lake.tableLocation("refined/" + table)).rows()) {
            versions.merge(r.get("tenant_id") + "/" + r.get("_entity_id"), (Long) r.get("_version"), Math::max);
          }
        } catch (Exception notYet) {
          // the table is not created yet
        }
        seen.put(table, versions);
      }
      if (seen.values().stream().allMatch(want::equals)) return;
      Thread.sleep(1_000);
    }
    throw new AssertionError("refined tables did not converge: want " + want + ", saw " + seen);
  }

  /** The fold: live jira_issues rows of a tenant as "id|summary|status|vN". */
  static TreeSet<String> expectedIssues(Map<String, ChangeEvent> winners) throws Exception {
    TreeSet<String> out = new TreeSet<>();
    for (ChangeEvent e : winners.values()) {
      if (e.getOp() == Op.OP_DELETED) continue;
      Issue i = e.getPayload().unpack(Issue.class);
      out.add(e.getEntityId() + "|" + i.getSummary() + "|" + i.getStatus() + "|v" + e.getVersion());
    }
    return out;
  }

  static TreeSet<String> expectedLabels(Map<String, ChangeEvent> winners) throws Exception {
    TreeSet<String> out = new TreeSet<>();
    for (ChangeEvent e : winners.values()) {
      if (e.getOp() == Op.OP_DELETED) continue;
      for (String l : e.getPayload().unpack(Issue.class).getLabelsList()) out.add(e.getEntityId() + "|" + l + "|v" + e.getVersion());
    }
    return out;
  }

  /** A shared row as the fold writes it; tombstones as "id|deleted|vN". */
  static String rowText(String table, Map<String, Object> r) {
    String v = "|v" + r.get("_version");
    if (Boolean.TRUE.equals(r.get("_deleted"))) return r.get("_entity_id") + "|deleted" + v;
    return table.equals("jira_issues") ? r.get("_entity_id") + "|" + r.get("summary") + "|" + r.get("status") + v
        : r.get("_entity_id") + "|" + r.get("label") + v;
  }

  static TreeSet<String> live(List<String> rows) {
    TreeSet<String> out = new TreeSet<>();
    for (String r : rows) if (!r.contains("|deleted|")) out.add(r);
    return out;
  }

  /** Every row of the files, downloaded through their URLs. */
  static List<String> rowsOf(String table, List<JsonNode> files) throws Exception {
    List<String> rows = new ArrayList<>();
    for (JsonNode f : files) {
      for (Map<String, Object> r : SharedFileDownloads.rows(f, downloads)) {
        assertThat(r.get("tenant_id")).isEqualTo(A);
        rows.add(rowText(table, r));
      }
    }
    return rows;
  }

  static String shareA() {
    return A + "_warehouse";
  }

  @ParameterizedTest
  @EnumSource(SharingProtocolClient.Flavour.class)
  void snapshotThroughPresignedUrlsEqualsTheFold(SharingProtocolClient.Flavour flavour) throws Exception {
    SharingProtocolClient c = new SharingProtocolClient(endpoint, tokenA, flavour);
    List<JsonNode> shares = c.shares(1);
    assertThat(shares).extracting(s -> s.get("name").asText()).containsExactly(shareA());
    assertThat(c.schemas(shareA(), 1)).extracting(s -> s.get("name").asText()).containsExactly("refined");
    List<JsonNode> tables = c.tables(shareA(), "refined", 1); // one a page: paged through nextPageToken
    // Every model's table exists from the engine's start: all five are shared.
    assertThat(tables).extracting(t -> t.get("name").asText()).containsExactlyInAnyOrderElementsOf(MODELS);
    assertThat(c.allTables(shareA(), 2)).extracting(t -> t.get("schema").asText() + "." + t.get("name").asText())
        .containsExactlyInAnyOrderElementsOf(MODELS.stream().map(m -> "refined." + m).toList());
    for (JsonNode t : tables) {
      String name = t.get("name").asText();
      SharingProtocolClient.Actions meta = c.metadata(shareA(), "refined", name);
      assertThat(meta.metadata().get("partitionColumns")).extracting(JsonNode::asText).containsExactly("tenant_id");
      assertThat(meta.metadata().get("schemaString").asText()).contains("\"_deleted\"");
      SharingProtocolClient.Actions q = c.query(shareA(), "refined", name, null, null, null);
      assertThat(q.version()).isEqualTo(c.version(shareA(), "refined", name, null));
      assertThat(q.capabilities()).isEqualTo("responseformat=parquet");
      for (JsonNode f : q.files()) {
        assertThat(f.get("partitionValues").get("tenant_id").asText()).isEqualTo(A);
        assertThat(f.get("expirationTimestamp").asLong()).isGreaterThan(System.currentTimeMillis());
        assertThat(f.get("stats").asText()).contains("numRecords");
      }
      // The same file keeps its id across answers.
      assertThat(c.query(shareA(), "refined", name, null, null, null).files()).extracting(f -> f.get("id").asText())
          .containsExactlyInAnyOrderElementsOf(q.files().stream().map(f -> f.get("id").asText()).toList());
      TreeSet<String> rows = live(rowsOf(name, q.files()));
      if (!name.startsWith("jira_issue")) {
        assertThat(q.files()).as("%s holds nothing of tenant %s", name, A).isEmpty();
        continue;
      }
      assertThat(rows).as(name).isEqualTo(name.equals("jira_issues") ? expectedIssues(latest.get(A)) : expectedLabels(latest.get(A)));
    }
  }

  @ParameterizedTest
  @EnumSource(SharingProtocolClient.Flavour.class)
  void changesSinceAnOlderVersionAppliedToItsRowsGiveTheLatestRows(SharingProtocolClient.Flavour flavour) throws Exception {
    SharingProtocolClient c = new SharingProtocolClient(endpoint, tokenA, flavour);
    for (String table : List.of("jira_issues", "jira_issue_labels")) {
      long from = table.equals("jira_issues") ? v1 : c.version(shareA(), "refined", table,
          Instant.ofEpochMilli(round1At).toString()) - 1;
      Map<String, List<String>> byFile = new HashMap<>();
      for (JsonNode f : c.query(shareA(), "refined", table, from, null, null).files()) {
        assertThat(f.get("version").asLong()).isEqualTo(from);
        byFile.put(f.get("id").asText(), rowsOf(table, List.of(f)));
      }
      SharingProtocolClient.Actions changes = c.changes(shareA(), "refined", table, from + 1, null);
      assertThat(changes.version()).isEqualTo(from + 1);
      assertThat(changes.files()).isNotEmpty();
      List<JsonNode> ordered = new ArrayList<>(changes.files());
      // Within a version a consumer applies removes before adds; versions in order.
      ordered.sort((x, y) -> x.get("version").asLong() != y.get("version").asLong()
          ? Long.compare(x.get("version").asLong(), y.get("version").asLong())
          : x.get("_kind").asText().compareTo(y.get("_kind").asText()) * -1);
      for (JsonNode f : ordered) {
        assertThat(f.get("partitionValues").get("tenant_id").asText()).isEqualTo(A);
        if (f.get("_kind").asText().equals("remove")) {
          assertThat(byFile.remove(f.get("id").asText())).as("removed file %s was live", f.get("id")).isNotNull();
        } else {
          byFile.put(f.get("id").asText(), rowsOf(table, List.of(f)));
        }
      }
      List<String> applied = new ArrayList<>();
      byFile.values().forEach(applied::addAll);
      List<String> latestRows = rowsOf(table, c.query(shareA(), "refined", table, null, null, null).files());
      assertThat(applied).as(table).containsExactlyInAnyOrderElementsOf(latestRows);
      TreeSet<String> liveRows = live(applied);
      assertThat(liveRows).isEqualTo(table.equals("jira_issues") ? expectedIssues(latest.get(A)) : expectedLabels(latest.get(A)));
      // No deleted entity survives among the live rows.
      for (ChangeEvent e : latest.get(A).values()) {
        if (e.getOp() == Op.OP_DELETED) assertThat(liveRows).noneMatch(r -> r.startsWith(e.getEntityId() + "|"));
      }
      // The query form of changes names the same files and versions.
      assertThat(c.queryChanges(shareA(), "refined", table, from + 1, null).files())
          .extracting(f -> f.get("_kind").asText() + f.get("id").asText() + "@" + f.get("version").asLong())
          .containsExactlyInAnyOrderElementsOf(changes.files().stream()
              .map(f -> f.get("_kind").asText() + f.get("id").asText() + "@" + f.get("version").asLong()).toList());
    }
  }

  @Test
  void aQueryAtAnOlderVersionReturnsThatVersionsFiles() throws Exception {
    SharingProtocolClient c = new SharingProtocolClient(endpoint, tokenA, SharingProtocolClient.Flavour.SPARK);
    SharingProtocolClient.Actions old = c.query(shareA(), "refined", "jira_issues", v1, null, null);
    assertThat(old.version()).isEqualTo(v1);
    assertThat(live(rowsOf("jira_issues", old.files()))).isEqualTo(expectedIssues(round1.get(A)));
    assertThat(c.version(shareA(), "refined", "jira_issues", Instant.ofEpochMilli(round1At).toString())).isGreaterThan(v1);
    // A version past the latest is the client's error.
    SharingProtocolClient.Answer past = c.send("POST", "/shares/" + shareA() + "/schemas/refined/tables/jira_issues/query",
        "{\"version\": 999999}");
    assertThat(past.status()).isEqualTo(400);
    assertThat(past.json().get("errorCode").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
  }

  @Test
  void predicateHintsPruneFilesOfTheTenant() throws Exception {
    SharingProtocolClient c = new SharingProtocolClient(endpoint, tokenA, SharingProtocolClient.Flavour.PYTHON);
    String otherTenant = "{\"op\":\"equal\",\"children\":[{\"op\":\"column\",\"name\":\"tenant_id\",\"valueType\":\"string\"},"
        + "{\"op\":\"literal\",\"value\":\"" + B + "\",\"valueType\":\"string\"}]}";
    assertThat(c.query(shareA(), "refined", "jira_issues", null, null, otherTenant).files()).isEmpty();
    String noSuchId = "{\"op\":\"equal\",\"children\":[{\"op\":\"column\",\"name\":\"_entity_id\",\"valueType\":\"string\"},"
        + "{\"op\":\"literal\",\"value\":\"ZZZ\",\"valueType\":\"string\"}]}";
    assertThat(c.query(shareA(), "refined", "jira_issues", null, null, noSuchId).files()).isEmpty();
    assertThat(c.query(shareA(), "refined", "jira_issues", null, null, "{not json").files()).isNotEmpty();
  }

  @Test
  void noTokenButTheTenantsCurrentOneOpensItsShare() throws Exception {
    String tables = "/shares/" + shareA() + "/schemas/refined/tables";
    String issues = tables + "/jira_issues";
    List<String[]> endpoints = List.of(new String[] {"GET", "/shares"}, new String[] {"GET", "/shares/" + shareA()},
        new String[] {"GET", "/shares/" + shareA() + "/schemas"}, new String[] {"GET", tables},
        new String[] {"GET", "/shares/" + shareA() + "/all-tables"}, new String[] {"GET", issues + "/version"},
        new String[] {"GET", issues + "/metadata"}, new String[] {"POST", issues + "/query"},
        new String[] {"GET", issues + "/changes?startingVersion=0"});

    // Missing, garbage, and lookalike tokens: 401 on every endpoint.
    for (String token : new String[] {null, "garbage", "tls1.AAAAAAAAAAAAAAAA.AAAA", tokenA + "x",
        tokenA.substring(0, tokenA.length() - 2) + "AA"}) {
      for (String[] e : endpoints) assertError(new SharingProtocolClient(endpoint, token, SharingProtocolClient.Flavour.PYTHON)
          .send(e[0], e[1], e[0].equals("POST") ? "{}" : null), 401, "UNAUTHENTICATED");
    }
    // Tenant B's own token: its own share only; A's share is not found on every endpoint.
    SharingProtocolClient b = new SharingProtocolClient(endpoint, tokenB, SharingProtocolClient.Flavour.SPARK);
    assertThat(b.shares(null)).extracting(s -> s.get("name").asText()).containsExactly(B + "_warehouse");
    for (String[] e : endpoints.subList(1, endpoints.size())) assertError(b.send(e[0], e[1], e[0].equals("POST") ? "{}" : null), 404, "RESOURCE_DOES_NOT_EXIST");
    for (JsonNode f : b.query(B + "_warehouse", "refined", "jira_issues", null, null, null).files()) {
      assertThat(f.get("url").asText()).doesNotContain(A);
    }

    // Forged and traversing names inside A's own share.
    SharingProtocolClient a = new SharingProtocolClient(endpoint, tokenA, SharingProtocolClient.Flavour.PYTHON);
    assertError(a.send("GET", "/shares/" + shareA() + "/schemas/raw/tables", null), 404, "RESOURCE_DOES_NOT_EXIST");
    assertError(a.send("GET", tables + "/deadletter/version", null), 404, "RESOURCE_DOES_NOT_EXIST");
    assertError(a.send("GET", "/shares/" + B + "_warehouse/schemas", null), 404, "RESOURCE_DOES_NOT_EXIST");
    assertError(a.send("GET", tables + "/jira_issues%2F..%2F..%2Fraw%2Fjira.issue/version", null), 400, "INVALID_PARAMETER_VALUE");
    // Dot segments are resolved away before routing (RFC 3986): what is left names no endpoint.
    assertError(a.send("GET", "/shares/" + shareA() + "/schemas/%2E%2E/tables/jira_issues/version", null), 404, "RESOURCE_DOES_NOT_EXIST");
    assertError(a.send("GET", "/shares/%2E%2E%2Fshr-b_warehouse/schemas", null), 400, "INVALID_PARAMETER_VALUE");
    assertError(a.send("GET", "/shares?pageToken=bm90LWEtdG9rZW4", null), 400, "INVALID_PARAMETER_VALUE");

    // Expired, revoked, and rotated out after the grace period.
    String expiring = createShare(A, "short-lived", 1L).get("bearerToken").asText();
    String revoked = createShare(A, "revoked", null).get("bearerToken").asText();
    String rotating = createShare(A, "rotating", null).get("bearerToken").asText();
    assertThat(new SharingProtocolClient(endpoint, revoked, SharingProtocolClient.Flavour.PYTHON).shares(null)).hasSize(1);
    assertThat(lake.admin("DELETE", "/v1/admin/tenants/" + A + "/shares/" + A + "_revoked", null).status()).isEqualTo(200);
    assertError(new SharingProtocolClient(endpoint, revoked, SharingProtocolClient.Flavour.PYTHON).send("GET", "/shares", null), 401, "UNAUTHENTICATED");
    LocalLake.AdminAnswer rotated = lake.admin("POST", "/v1/admin/tenants/" + A + "/shares/rotating/rotate", "{}");
    assertThat(rotated.status()).isEqualTo(200);
    String fresh = rotated.body().get("bearerToken").asText();
    assertThat(fresh).isNotEqualTo(rotating);
    assertThat(new SharingProtocolClient(endpoint, rotating, SharingProtocolClient.Flavour.PYTHON).shares(null)).hasSize(1);
    Thread.sleep(3_500); // past the 3 s grace and the 1 s expiry
    assertError(new SharingProtocolClient(endpoint, rotating, SharingProtocolClient.Flavour.PYTHON).send("GET", "/shares", null), 401, "UNAUTHENTICATED");
    assertError(new SharingProtocolClient(endpoint, expiring, SharingProtocolClient.Flavour.PYTHON).send("GET", "/shares", null), 401, "UNAUTHENTICATED");
    assertThat(new SharingProtocolClient(endpoint, fresh, SharingProtocolClient.Flavour.PYTHON).shares(null))
        .extracting(s -> s.get("name").asText()).containsExactly(A + "_rotating");

    // The admin listing names recipients, never a token; the stored shares hold no token either.
    LocalLake.AdminAnswer list = lake.admin("GET", "/v1/admin/tenants/" + A + "/shares", null);
    assertThat(list.body().get("shares")).extracting(s -> s.get("recipient").asText())
        .contains("warehouse", "short-lived", "revoked", "rotating");
    for (String t : List.of(tokenA, expiring, revoked, rotating, fresh)) {
      assertThat(list.body().toString()).doesNotContain(t.substring(t.lastIndexOf('.') + 1));
      for (String file : lake.storage.listStateFiles("_control/sharing/shares")) {
        assertThat(new String(lake.storage.readStateFile("_control/sharing/shares/" + file)))
            .doesNotContain(t.substring(t.lastIndexOf('.') + 1));
      }
    }
  }

  @Test
  void noAnswerToTenantAEverNamesAFileOfTenantB() throws Exception {
    for (SharingProtocolClient.Flavour flavour : SharingProtocolClient.Flavour.values()) {
      SharingProtocolClient c = new SharingProtocolClient(endpoint, tokenA, flavour);
      for (JsonNode t : c.allTables(shareA(), null)) {
        String name = t.get("name").asText();
        c.version(shareA(), "refined", name, null);
        c.metadata(shareA(), "refined", name);
        List<JsonNode> files = new ArrayList<>(c.query(shareA(), "refined", name, null, null, null).files());
        files.addAll(c.query(shareA(), "refined", name, Math.min(1L, c.version(shareA(), "refined", name, null)), null, null).files());
        files.addAll(c.changes(shareA(), "refined", name, 0, null).files());
        files.addAll(c.queryChanges(shareA(), "refined", name, 0, null).files());
        if (name.startsWith("jira_issue")) assertThat(files).isNotEmpty();
        for (JsonNode f : files) {
          String url = f.get("url").asText();
          assertThat(url).containsAnyOf("tenant_id%3D" + A + "/", "tenant_id=" + A + "/");
        }
      }
      for (String body : c.bodies) assertThat(body).doesNotContain(B);
    }
  }

  static void assertError(SharingProtocolClient.Answer a, int status, String code) throws Exception {
    assertThat(a.status()).as("%s", a.body()).isEqualTo(status);
    assertThat(a.json().get("errorCode").asText()).isEqualTo(code);
    assertThat(a.json().get("message").asText()).isNotBlank();
  }
}
