package io.tenantlake.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.tenantlake.api.JsonResponses;
import io.tenantlake.api.TenantlakeMain;
import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.refined.EntityRows;
import io.tenantlake.engine.refined.ModelSchema;
import io.tenantlake.engine.refined.RefinedTableWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query route of an in-process node over a local lake: answers, CSV, and every error status. */
class QueryRoutesTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path lake;
  @TempDir static Path cache;
  static TenantlakeMain.Node node;
  static URI base;

  @BeforeAll
  static void start() throws Exception {
    ModelSchema issues = new ModelSchema("jira_issues", List.of(Column.required("issue_id", ColumnType.STRING),
        Column.optional("summary", ColumnType.STRING)), List.of("issue_id"));
    Instant t0 = Instant.parse("2026-11-20T09:00:00Z");
    try (RefinedTableWriter w = RefinedTableWriter.open(DeltaStorage.local(lake), issues)) {
      w.merge(List.of(
          new EntityRows("acme", "jira.issue", "I-1", 1, false, "e1", t0, List.<Object[]>of(new Object[] {"I-1", "a, \"quoted\""})),
          new EntityRows("acme", "jira.issue", "I-2", 1, false, "e2", t0, List.<Object[]>of(new Object[] {"I-2", "b"})),
          new EntityRows("globex", "jira.issue", "I-1", 1, false, "e3", t0, List.<Object[]>of(new Object[] {"I-1", "secret"}))),
          0, null);
    }
    var config = ConfigFactory.parseString("""
        tenantlake.http.port = 0
        tenantlake.roles = [intake]
        tenantlake.auth.admin-tokens = ["admin-secret"]
        tenantlake.auth.tenant-tokens { "acme" = ["acme-token"], "globex" = ["globex-token"] }
        tenantlake.auth.datasource-tokens { "acme" = [{ token = "acme-ds-token", datasources = ["only_i1"] }] }
        tenantlake.aws.kinesis-endpoint = "http://127.0.0.1:9"
        tenantlake.aws.s3-endpoint = "http://127.0.0.1:9"
        tenantlake.query { timeout = 2s, max-sql-bytes = 4 KiB, max-concurrent-per-tenant = 1, max-rows = 50 }
        """).withFallback(ConfigFactory.parseMap(java.util.Map.of("tenantlake.storage.root", lake.toUri().toString(),
            "tenantlake.query.cache.dir", cache.toString())))
        .withFallback(ConfigFactory.load());
    node = TenantlakeMain.start(config, "query-routes-test").get(30, TimeUnit.SECONDS);
    base = URI.create("http://127.0.0.1:" + node.address().getPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.stop(Duration.ofSeconds(30));
  }

  static HttpResponse<String> post(String tenant, String token, String body, String accept) throws Exception {
    var b = HttpRequest.newBuilder(base.resolve("/v1/tenants/" + tenant + "/query")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (accept != null) b.header("Accept", accept);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String sql(String sql) throws Exception {
    return JsonResponses.JSON.writeValueAsString(java.util.Map.of("sql", sql));
  }

  @Test
  void answersJsonWithColumnsRowsAndVersions() throws Exception {
    HttpResponse<String> r = post("acme", "acme-token",
        "{\"sql\": \"SELECT issue_id, summary FROM jira_issues WHERE issue_id <> ? ORDER BY 1\", \"parameters\": [\"I-9\"]}", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JsonResponses.JSON.readTree(r.body());
    assertThat(body.path("columns").toString()).isEqualTo(
        "[{\"name\":\"issue_id\",\"type\":\"VARCHAR\"},{\"name\":\"summary\",\"type\":\"VARCHAR\"}]");
    assertThat(body.path("rows").toString()).isEqualTo("[[\"I-1\",\"a, \\\"quoted\\\"\"],[\"I-2\",\"b\"]]");
    assertThat(body.path("truncated").asBoolean()).isFalse();
    assertThat(body.path("table_versions").path("jira_issues").asLong()).isEqualTo(1);
    assertThat(body.has("elapsed_ms")).isTrue();
    assertThat(r.body()).doesNotContain("secret");
  }

  @Test
  void answersCsvWhenAsked() throws Exception {
    HttpResponse<String> r = post("acme", "acme-token", sql("SELECT issue_id, summary FROM jira_issues ORDER BY 1"), "text/csv");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
    assertThat(r.body()).isEqualTo("issue_id,summary\r\nI-1,\"a, \"\"quoted\"\"\"\r\nI-2,b\r\n");
    assertThat(r.headers().firstValue("Tenantlake-Table-Versions")).contains("jira_issues=1");
  }

  @Test
  void tokensOpenOnlyTheirTenant() throws Exception {
    assertThat(post("acme", null, sql("SELECT 1"), null).statusCode()).isEqualTo(401);
    assertThat(post("acme", "nope", sql("SELECT 1"), null).statusCode()).isEqualTo(401);
    assertThat(post("acme", "globex-token", sql("SELECT 1"), null).statusCode()).isEqualTo(403);
    HttpResponse<String> own = post("globex", "globex-token", sql("SELECT summary FROM jira_issues"), null);
    assertThat(own.body()).contains("secret");
  }

  @Test
  void errorsHaveTheirStatus() throws Exception {
    HttpResponse<String> bad = post("acme", "acme-token", sql("SELECT nope FROM jira_issues"), null);
    assertThat(bad.statusCode()).isEqualTo(400);
    JsonNode e = JsonResponses.JSON.readTree(bad.body());
    assertThat(e.path("error").asText()).isEqualTo("sql_error");
    assertThat(e.path("reason").asText()).contains("Binder Error").contains("nope");
    assertThat(post("acme", "acme-token", sql("DROP VIEW jira_issues"), null).statusCode()).isEqualTo(400);
    assertThat(post("acme", "acme-token", "{\"limit\": 3}", null).statusCode()).isEqualTo(400);
    assertThat(post("acme", "acme-token", "not json", null).statusCode()).isEqualTo(400);
    HttpResponse<String> big = post("acme", "acme-token", sql("SELECT '" + "x".repeat(5000) + "'"), null);
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(JsonResponses.JSON.readTree(big.body()).path("error").asText()).isEqualTo("too_large");
    HttpResponse<String> slow = post("acme", "acme-token", sql("SELECT count(*) FROM range(100000000000)"), null);
    assertThat(slow.statusCode()).isEqualTo(408);
    HttpResponse<String> cut = post("acme", "acme-token", "{\"sql\": \"SELECT * FROM range(100)\", \"limit\": 1000}", null);
    assertThat(JsonResponses.JSON.readTree(cut.body()).path("rows").size()).isEqualTo(50);
    assertThat(JsonResponses.JSON.readTree(cut.body()).path("truncated").asBoolean()).isTrue();
  }

  static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
    var b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
    if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
    else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aDataSourceTokenSeesItsSourcesAndNothingElse() throws Exception {
    // Before the source exists, the scoped token reads nothing.
    assertThat(post("acme", "acme-ds-token", sql("SELECT * FROM only_i1"), null).statusCode()).isEqualTo(400);
    HttpResponse<String> created = call("POST", "/v1/tenants/acme/datasources", "acme-token",
        "{\"name\": \"only_i1\", \"model\": \"jira_issues\", \"filter\": \"issue_id = 'I-1'\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(call("POST", "/v1/tenants/acme/datasources", "acme-token",
        "{\"name\": \"all_i\", \"model\": \"jira_issues\", \"filter\": \"issue_id LIKE 'I-%'\"}").statusCode()).isEqualTo(201);

    HttpResponse<String> own = post("acme", "acme-ds-token", sql("SELECT issue_id, summary FROM only_i1"), null);
    assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
    assertThat(JsonResponses.JSON.readTree(own.body()).path("rows").toString()).isEqualTo("[[\"I-1\",\"a, \\\"quoted\\\"\"]]");
    for (String other : List.of("SELECT * FROM jira_issues", "SELECT * FROM all_i", "SELECT * FROM memory.main.jira_issues")) {
      HttpResponse<String> r = post("acme", "acme-ds-token", sql(other), null);
      assertThat(r.statusCode()).as(other + ": " + r.body()).isEqualTo(400);
      assertThat(r.body()).doesNotContain("I-2");
    }
    // The scoped token opens no other route, and no other tenant.
    assertThat(call("GET", "/v1/tenants/acme/datasources", "acme-ds-token", null).statusCode()).isEqualTo(401);
    assertThat(post("globex", "acme-ds-token", sql("SELECT 1"), null).statusCode()).isEqualTo(401);
    // The tenant's own token still sees everything.
    assertThat(post("acme", "acme-token", sql("SELECT count(*) FROM all_i"), null).body()).contains("[[2]]");
    assertThat(call("DELETE", "/v1/tenants/acme/datasources/all_i", "acme-token", null).statusCode()).isEqualTo(204);
    assertThat(call("DELETE", "/v1/tenants/acme/datasources/all_i", "acme-token", null).statusCode()).isEqualTo(404);
    assertThat(call("POST", "/v1/tenants/acme/datasources", "acme-token",
        "{\"name\": \"x\", \"model\": \"jira_issues\", \"filter\": \"summary = (SELECT 1)\"}").statusCode()).isEqualTo(400);
  }

  @Test
  void aTenantOverItsConcurrencyLimitGets429() throws Exception {
    CompletableFuture<HttpResponse<String>> running = CompletableFuture.supplyAsync(() -> {
      try {
        return post("globex", "globex-token", sql("SELECT count(*) FROM range(100000000000)"), null);
      } catch (Exception ex) {
        throw new RuntimeException(ex);
      }
    });
    HttpResponse<String> second = null;
    for (int i = 0; i < 40 && (second == null || second.statusCode() != 429); i++) {
      Thread.sleep(50);
      second = post("globex", "globex-token", sql("SELECT 1"), null);
    }
    assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
    assertThat(JsonResponses.JSON.readTree(second.body()).path("error").asText()).isEqualTo("too_many_queries");
    assertThat(running.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(408);
    assertThat(post("globex", "globex-token", sql("SELECT 1"), null).statusCode()).isEqualTo(200);
  }
}
