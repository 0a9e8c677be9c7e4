package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import io.tenantlake.proto.domain.confluence.v1.Page;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.domain.jira.v1.Project;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.testkit.KernelTableReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Tenant SQL end to end on kinesalite and S3Proxy: two tenants' issues, projects, users and pages
 * go through intake, raw and the refined merges; every shipped model is queried over HTTP as each
 * tenant, and each answer must equal what Delta Kernel reads from the same snapshot (the version
 * the answer names) for that tenant's live rows. Then newer versions and deletes are posted, and
 * the queries must follow.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantQueryTest {
  static final String A = "qry-a";
  static final String B = "qry-b";
  static final Map<String, String> TOKENS = Map.of(A, "query-token-a", B, "query-token-b");
  /** The shipped models (conf/models) and the entity type that feeds each. */
  static final Map<String, String> MODELS = Map.of("jira_issues", "jira.issue", "jira_issue_labels", "jira.issue",
      "jira_projects", "jira.project", "users", "identity.user", "confluence_pages", "confluence.page");
  static final Instant T0 = Instant.parse("2026-11-20T09:00:00.123456Z");
  static LocalLake lake;
  /** Per "tenant/type/id" the winning version. */
  static final Map<String, Long> posted = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    lake = QueryClient.start("query", TOKENS, Map.of("tenantlake.query.enhanced-views.0.name", "issue_with_assignee")).lake();
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  @Test
  @Order(1)
  void firstRoundAnswersEqualKernel() throws Exception {
    List<ChangeEvent> events = new ArrayList<>();
    for (String t : List.of(A, B)) {
      for (int i = 0; i < 12; i++) events.add(issue(t, "ISSUE-" + i, 1, Op.OP_CREATED));
      for (int i = 0; i < 3; i++) events.add(project(t, "P-" + i, 1, Op.OP_CREATED));
      for (int i = 0; i < 5; i++) events.add(user(t, "U-" + i, 1, Op.OP_CREATED));
      for (int i = 0; i < 4; i++) events.add(page(t, "PAGE-" + i, 1, Op.OP_CREATED));
    }
    postAndAwait(lake, posted, events);
    compareEveryModel();
  }

  @Test
  @Order(2)
  void newerVersionsAndDeletesAreSeen() throws Exception {
    List<ChangeEvent> events = new ArrayList<>();
    for (String t : List.of(A, B)) {
      for (int i = 0; i < 12; i++) {
        if (i % 3 == 0) events.add(issue(t, "ISSUE-" + i, 2, Op.OP_DELETED));
        else if (i % 3 == 1) events.add(issue(t, "ISSUE-" + i, 3, Op.OP_UPDATED));
      }
      events.add(issue(t, "ISSUE-20", 1, Op.OP_CREATED));
      events.add(project(t, "P-1", 2, Op.OP_DELETED));
      events.add(user(t, "U-2", 2, Op.OP_UPDATED));
      events.add(page(t, "PAGE-0", 2, Op.OP_DELETED));
      events.add(page(t, "PAGE-3", 5, Op.OP_UPDATED));
    }
    postAndAwait(lake, posted, events);
    compareEveryModel();
    JsonNode issues = QueryClient.query(lake.engineUri(), A, TOKENS.get(A),
        "SELECT issue_id, _version FROM jira_issues WHERE issue_id IN (?, ?, ?) ORDER BY 1", "ISSUE-0", "ISSUE-1", "ISSUE-20").json();
    assertThat(issues.path("rows").toString()).isEqualTo("[[\"ISSUE-1\",3],[\"ISSUE-20\",1]]");
    JsonNode join = QueryClient.query(lake.engineUri(), A, TOKENS.get(A),
        "SELECT count(*) FROM jira_issues i JOIN users u ON u.user_id = i.assignee_id").json();
    assertThat(join.path("rows").get(0).get(0).asLong()).isEqualTo(9); // 12 - 4 deleted + 1 new, all assigned
  }

  @Test
  @Order(3)
  void theEnhancedViewIsTheJoinOfKernelRows() throws Exception {
    KernelTableReader kernel = new KernelTableReader(lake.s3.s3aSettings());
    for (String tenant : List.of(A, B)) {
      QueryClient.Answer a = QueryClient.query(lake.engineUri(), tenant, TOKENS.get(tenant), "SELECT * FROM issue_with_assignee");
      assertThat(a.status()).as(a.body()).isEqualTo(200);
      JsonNode body = a.json();
      Map<String, Map<String, Object>> users = live(kernel, "users", tenant, "user_id", body);
      Map<String, Map<String, Object>> projects = live(kernel, "jira_projects", tenant, "project_id", body);
      List<String> expected = new ArrayList<>();
      for (Map<String, Object> i : live(kernel, "jira_issues", tenant, "issue_id", body).values()) {
        Map<String, Object> u = users.getOrDefault((String) i.get("assignee_id"), Map.of());
        Map<String, Object> p = projects.getOrDefault((String) i.get("project_id"), Map.of());
        Map<String, Object> row = new java.util.HashMap<>(i);
        row.put("project_key", p.get("project_key"));
        row.put("project_name", p.get("name"));
        row.put("assignee_name", u.get("display_name"));
        row.put("assignee_email", u.get("email"));
        row.put("assignee_active", u.get("active"));
        expected.add(line(columns(body), row));
      }
      assertThat(rows(body)).as(tenant).isEqualTo(sorted(expected));
      assertThat(expected).isNotEmpty();
    }
  }

  @Test
  @Order(4)
  void dataSourcesAreFilteredViewsOfTheirTenant() throws Exception {
    String ds = "/v1/tenants/" + A + "/datasources";
    QueryClient.Answer created = QueryClient.call(lake.engineUri(), "POST", ds, TOKENS.get(A),
        "{\"name\": \"open_p1\", \"model\": \"jira_issues\", \"filter\": \"project_id = 'P-1' AND status <> 'Done'\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(QueryClient.call(lake.engineUri(), "POST", ds, TOKENS.get(A),
        "{\"name\": \"open_p1\", \"model\": \"jira_issues\", \"filter\": \"true\"}").status()).isEqualTo(409);
    QueryClient.Answer bad = QueryClient.call(lake.engineUri(), "POST", ds, TOKENS.get(A),
        "{\"name\": \"sneaky\", \"model\": \"jira_issues\", \"filter\": \"tenant_id = 'qry-b' OR (SELECT 1) = 1\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().path("reason").asText()).contains("tenant_id");
    assertThat(QueryClient.call(lake.engineUri(), "GET", ds, TOKENS.get(B), null).status()).isEqualTo(403);
    assertThat(QueryClient.call(lake.engineUri(), "GET", ds, TOKENS.get(A), null).body()).contains("open_p1");
    assertThat(QueryClient.call(lake.engineUri(), "GET", ds + "/open_p1", TOKENS.get(A), null).json().path("model").asText())
        .isEqualTo("jira_issues");

    KernelTableReader kernel = new KernelTableReader(lake.s3.s3aSettings());
    JsonNode body = QueryClient.query(lake.engineUri(), A, TOKENS.get(A), "SELECT * FROM open_p1").json();
    List<String> expected = new ArrayList<>();
    for (Map<String, Object> i : live(kernel, "jira_issues", A, "issue_id", body).values()) {
      if ("P-1".equals(i.get("project_id")) && !"Done".equals(i.get("status"))) expected.add(line(columns(body), i));
    }
    assertThat(expected).isNotEmpty();
    assertThat(rows(body)).isEqualTo(sorted(expected));
    // B has no source of that name: it is an unknown table there, not A's view.
    QueryClient.Answer fromB = QueryClient.query(lake.engineUri(), B, TOKENS.get(B), "SELECT * FROM open_p1");
    assertThat(fromB.status()).isEqualTo(400);
    assertThat(fromB.body()).doesNotContain(A);

    assertThat(QueryClient.call(lake.engineUri(), "DELETE", ds + "/open_p1", TOKENS.get(A), null).status()).isEqualTo(204);
    assertThat(QueryClient.call(lake.engineUri(), "GET", ds + "/open_p1", TOKENS.get(A), null).status()).isEqualTo(404);
    assertThat(QueryClient.query(lake.engineUri(), A, TOKENS.get(A), "SELECT * FROM open_p1").status()).isEqualTo(400);
  }

  /** The tenant's live rows of a model by key, read with Kernel, at the version the answer names. */
  static Map<String, Map<String, Object>> live(KernelTableReader kernel, String model, String tenant, String key, JsonNode answer)
      throws Exception {
    KernelTableReader.Result k = kernel.read(lake.tableLocation("refined/" + model));
    assertThat(answer.path("table_versions").path(model).asLong()).as(model).isEqualTo(k.version());
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (Map<String, Object> r : k.rows()) {
      if (tenant.equals(r.get("tenant_id")) && !Boolean.TRUE.equals(r.get("_deleted"))) out.put((String) r.get(key), r);
    }
    return out;
  }

  static List<String> columns(JsonNode body) {
    List<String> columns = new ArrayList<>();
    body.path("columns").forEach(c -> columns.add(c.path("name").asText()));
    return columns;
  }

  static String line(List<String> columns, Map<String, Object> row) {
    StringBuilder sb = new StringBuilder();
    for (String c : columns) sb.append(c).append('=').append(row.get(c)).append(';');
    return sb.toString();
  }

  static List<String> rows(JsonNode body) {
    List<String> columns = columns(body);
    List<String> out = new ArrayList<>();
    for (JsonNode row : body.path("rows")) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < columns.size(); i++) sb.append(columns.get(i)).append('=').append(row.get(i).isNull() ? "null" : row.get(i).asText()).append(';');
      out.add(sb.toString());
    }
    return sorted(out);
  }

  static List<String> sorted(List<String> l) {
    List<String> out = new ArrayList<>(l);
    out.sort(null);
    return out;
  }

  /** Each model, each tenant: the query's rows are the Kernel's live rows of that tenant at the answer's version. */
  static void compareEveryModel() throws Exception {
    KernelTableReader kernel = new KernelTableReader(lake.s3.s3aSettings());
    for (String model : MODELS.keySet()) {
      for (String tenant : List.of(A, B)) {
        QueryClient.Answer a = QueryClient.query(lake.engineUri(), tenant, TOKENS.get(tenant), "SELECT * FROM " + model);
        assertThat(a.status()).as("%s of %s: %s", model, tenant, a.body()).isEqualTo(200);
        JsonNode body = a.json();
        KernelTableReader.Result k = kernel.read(lake.tableLocation("refined/" + model));
        assertThat(body.path("table_versions").path(model).asLong()).as(model).isEqualTo(k.version());
        List<String> columns = columns(body);
        assertThat(columns).contains("_version", "_updated_at").doesNotContain("tenant_id", "_deleted", "_entity_id", "_event_id");
        List<String> fromQuery = rows(body);
        List<String> fromKernel = new ArrayList<>();
        for (Map<String, Object> r : k.rows()) {
          if (tenant.equals(r.get("tenant_id")) && !Boolean.TRUE.equals(r.get("_deleted"))) fromKernel.add(line(columns, r));
        }
        fromKernel.sort(null);
        assertThat(fromKernel).as("%s of %s in kernel", model, tenant).isNotEmpty();
        assertThat(fromQuery).as("%s of %s", model, tenant).isEqualTo(fromKernel);
        String other = tenant.equals(A) ? B : A;
        assertThat(a.body()).doesNotContain(other);
      }
    }
  }

  /** Posts the events and waits until the refined tables hold every entity's winning version (Delta Kernel reads them). */
  static void postAndAwait(LocalLake lake, Map<String, Long> posted, List<ChangeEvent> events) throws Exception {
    assertThat(lake.post(events, true).path("accepted").asInt()).isEqualTo(events.size());
    for (ChangeEvent e : events) posted.merge(e.getTenantId() + "/" + e.getEntityType() + "/" + e.getEntityId(), e.getVersion(), Math::max);
    KernelTableReader kernel = new KernelTableReader(lake.s3.s3aSettings());
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    Map<String, Long> seen = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      seen = new TreeMap<>();
      for (String model : List.of("jira_issues", "jira_projects", "users", "confluence_pages")) {
        try {
          for (Map<String, Object> r : kernel.read(lake.tableLocation("refined/" + model)).rows()) {
            seen.merge(r.get("tenant_id") + "/" + MODELS.get(model) + "/" + r.get("_entity_id"), (Long) r.get("_version"), Math::max);
          }
        } catch (Exception notYet) {
          // not created yet
        }
      }
      if (seen.equals(posted)) return;
      Thread.sleep(1_000);
    }
    throw new AssertionError("refined tables did not converge: want " + posted + ", saw " + seen);
  }

  static Timestamp ts(long seconds) {
    return Timestamp.newBuilder().setSeconds(T0.getEpochSecond() + seconds).setNanos(123456000).build();
  }

  static ChangeEvent.Builder event(String tenant, String type, String id, long v, Op op) {
    return ChangeEvent.newBuilder().setEventId(tenant + "-" + type + "-" + id + "-v" + v).setTenantId(tenant)
        .setEntityType(type).setEntityId(id).setOp(op).setVersion(v);
  }

  static ChangeEvent issue(String tenant, String id, long v, Op op) {
    ChangeEvent.Builder b = event(tenant, "jira.issue", id, v, op);
    if (op != Op.OP_DELETED) {
      int n = Integer.parseInt(id.substring(6));
      b.setPayload(Any.pack(Issue.newBuilder().setKey(id).setProjectId("P-" + (n % 3)).setSummary(tenant + " " + id + " v" + v)
          .setDescription("about " + id).setStatus(v % 2 == 0 ? "Done" : "Open").setAssigneeId("U-" + (n % 5))
          .setPriority(n % 2 == 0 ? "High" : "").addLabels("l" + v).addLabels(n % 2 == 0 ? "bug" : "task")
          .setCreated(ts(n)).setUpdated(ts(n + v * 60)).build()));
    }
    return b.build();
  }

  static ChangeEvent project(String tenant, String id, long v, Op op) {
    ChangeEvent.Builder b = event(tenant, "jira.project", id, v, op);
    if (op != Op.OP_DELETED) b.setPayload(Any.pack(Project.newBuilder().setKey(id).setName(tenant + " project " + id).setLeadId("U-1").build()));
    return b.build();
  }

  static ChangeEvent user(String tenant, String id, long v, Op op) {
    ChangeEvent.Builder b = event(tenant, "identity.user", id, v, op);
    if (op != Op.OP_DELETED) {
      b.setPayload(Any.pack(User.newBuilder().setDisplayName(tenant + " user " + id + " v" + v)
          .setEmail(id.endsWith("3") ? "" : id + "@" + tenant + ".example").setActive(v == 1).build()));
    }
    return b.build();
  }

  static ChangeEvent page(String tenant, String id, long v, Op op) {
    ChangeEvent.Builder b = event(tenant, "confluence.page", id, v, op);
    if (op != Op.OP_DELETED) {
      b.setPayload(Any.pack(Page.newBuilder().setSpaceKey("SP").setTitle(tenant + " page " + id).setBody("x".repeat((int) v * 10))
          .setAuthorId("U-0").setUpdated(ts(v * 100)).build()));
    }
    return b.build();
  }
}
