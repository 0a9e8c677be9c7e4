package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.testkit.LocalS3;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tenant A attacks: every statement kind the issue names, every file- and network-reaching table
 * function on absolute, relative, glob, file://, s3://, http:// paths and on the lake's own layout
 * (B's partition folder, the node's query cache where B's files are cached, the query folders),
 * catalogue and setting functions, multi-statements hidden by comments and literals, crafted
 * identifiers, and resource exhaustion. No answer may carry a byte of B's data, a name of B's
 * files, the lake's location, the host's files or environment or the S3 secret, and after each
 * attack the node still answers A's ordinary query correctly.
 */
class QueryAttackTest {
  static final String A = "atk-a";
  static final String B = "atk-b";
  static final String TOKEN_A = "attack-token-a";
  static final String TOKEN_B = "attack-token-b";
  /** A's token scoped to its data source a_active, and to a name that only B has a source of. */
  static final String TOKEN_A_SCOPED = "attack-token-a-scoped";
  static final String B_MARK = "bsecret7f3a";
  static LocalLake lake;
  static Path cache;
  static String root;
  static String bFolder;
  static final List<String> forbidden = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    QueryClient.QueryLake q = QueryClient.start("attack", Map.of(A, TOKEN_A, B, TOKEN_B),
        Map.of("tenantlake.query.timeout", "4s", "tenantlake.query.memory-limit", "256 MiB",
            "tenantlake.auth.datasource-tokens." + A + ".0.token", TOKEN_A_SCOPED,
            "tenantlake.auth.datasource-tokens." + A + ".0.datasources.0", "a_active",
            "tenantlake.auth.datasource-tokens." + A + ".0.datasources.1", "b_users"));
    lake = q.lake();
    cache = q.cache();
    List<ChangeEvent> events = new ArrayList<>();
    Map<String, Long> posted = new TreeMap<>();
    for (String t : List.of(A, B)) {
      for (int i = 0; i < 6; i++) events.add(TenantQueryTest.issue(t, "ISSUE-" + i, 1, Op.OP_CREATED));
      for (int i = 0; i < 5; i++) events.add(TenantQueryTest.user(t, "U-" + i, 1, Op.OP_CREATED));
      for (int i = 0; i < 3; i++) events.add(TenantQueryTest.project(t, "P-" + i, 1, Op.OP_CREATED));
      events.add(TenantQueryTest.page(t, "PAGE-0", 1, Op.OP_CREATED));
    }
    // B's data carries a mark that must never reach A.
    events.add(TenantQueryTest.event(B, "identity.user", "U-9", 1, Op.OP_CREATED).setPayload(com.google.protobuf.Any.pack(
        io.tenantlake.proto.domain.identity.v1.User.newBuilder().setDisplayName(B_MARK).setEmail(B_MARK + "@b.example")
            .setActive(true).build())).build());
    TenantQueryTest.postAndAwait(lake, posted, events);
    // B queries first: its files are then in the node's cache, beside what A can name.
    assertThat(QueryClient.query(lake.engineUri(), B, TOKEN_B, "SELECT * FROM users").body()).contains(B_MARK);
    root = "s3a://" + lake.storage.root().getHost() + lake.storage.root().getPath();
    bFolder = "refined/users/tenant_id=" + B;
    for (String model : List.of("jira_issues", "jira_issue_labels", "jira_projects", "users", "confluence_pages")) {
      for (DataFile f : DeltaTable.at(lake.storage, "refined/" + model).liveFiles(pv -> B.equals(pv.get("tenant_id")))) {
        forbidden.add(f.path().substring(f.path().lastIndexOf('/') + 1));
      }
    }
    assertThat(forbidden).isNotEmpty();
    forbidden.add(B_MARK);
    forbidden.add(LocalS3.SECRET_KEY);
    forbidden.add("root:x:0:0");
    String path = System.getenv("PATH");
    if (path != null && path.length() > 10) forbidden.add(path);
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  /** An attack: what it is, the SQL, and the statuses that are a correct refusal. */
  record Attack(String name, String sql, Set<Integer> allowed) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Attack refused(String name, String sql) {
    return new Attack(name, sql, Set.of(400));
  }

  static Stream<Attack> attacks() {
    String lakeHost = "http://127.0.0.1:" + lake.s3().endpoint().getPort() + "/" + lake.storage.root().getHost()
        + lake.storage.root().getPath();
    String s3 = "s3://" + lake.storage.root().getHost() + lake.storage.root().getPath();
    String c = cache.toString();
    List<Attack> list = new ArrayList<>(List.of(
        refused("attach file", "ATTACH '/tmp/attack.duckdb' AS x"),
        refused("attach memory", "ATTACH ':memory:' AS x"),
        refused("detach", "DETACH memory"),
        refused("copy to file", "COPY users TO '/tmp/attack.csv'"),
        refused("copy to s3", "COPY (SELECT 1) TO '" + s3 + "/x.parquet'"),
        refused("export", "EXPORT DATABASE '/tmp/attack-export'"),
        refused("import", "IMPORT DATABASE '/tmp/attack-export'"),
        refused("install", "INSTALL httpfs"),
        refused("load", "LOAD httpfs"),
        refused("set external access", "SET enable_external_access = true"),
        refused("reset allowed paths", "RESET allowed_paths"),
        refused("pragma", "PRAGMA database_list"),
        refused("create table", "CREATE TABLE t AS SELECT * FROM users"),
        refused("create view over B", "CREATE VIEW x AS SELECT * FROM read_parquet('" + s3 + "/" + bFolder + "/*.parquet')"),
        refused("drop view", "DROP VIEW users"),
        refused("alter view", "ALTER VIEW users RENAME TO x"),
        refused("call", "CALL pragma_database_list()"),
        refused("prepare", "PREPARE p AS SELECT 1"),
        refused("transaction", "BEGIN TRANSACTION"),
        refused("two statements", "SELECT 1; ATTACH '/tmp/x.duckdb'"),
        refused("statement after comment", "SELECT 1 /* ; */ ; -- x\n SET threads = 64"),
        refused("statement after newline", "SELECT 1;\nDROP VIEW users"),
        refused("escape-string trick", "SELECT E'\\\\'; ATTACH 'x'; --'"),
        refused("read_parquet B folder s3", "SELECT * FROM read_parquet('" + s3 + "/" + bFolder + "/*.parquet')"),
        refused("read_parquet B folder s3a", "SELECT * FROM read_parquet('" + root + "/" + bFolder + "/*.parquet')"),
        refused("read_parquet B via http", "SELECT * FROM read_parquet('" + lakeHost + "/" + bFolder + "/x.parquet')"),
        refused("read_parquet cache files", "SELECT * FROM read_parquet('" + c + "/files/*.parquet')"),
        refused("read_parquet query folders", "SELECT * FROM read_parquet('" + c + "/q/**/*.parquet')"),
        refused("read_parquet relative", "SELECT * FROM read_parquet('../files/*.parquet')"),
        refused("read_parquet relative glob", "SELECT * FROM read_parquet('**/*.parquet')"),
        refused("replacement scan on cache", "SELECT * FROM '" + c + "/files/*.parquet'"),
        refused("replacement scan on passwd", "SELECT * FROM '/etc/passwd'"),
        refused("read_csv passwd", "SELECT * FROM read_csv('/etc/passwd')"),
        refused("read_csv_auto hostname", "SELECT * FROM read_csv_auto('/etc/hostname')"),
        refused("read_json file url", "SELECT * FROM read_json('file:///etc/passwd')"),
        refused("read_json_auto environ", "SELECT * FROM read_json_auto('/proc/self/environ')"),
        refused("read_text environ", "SELECT * FROM read_text('/proc/self/environ')"),
        refused("read_text metadata service", "SELECT * FROM read_text('http://169.254.169.254/latest/meta-data/')"),
        refused("read_blob cmdline", "SELECT * FROM read_blob('/proc/self/cmdline')"),
        refused("read_blob cache", "SELECT * FROM read_blob('" + c + "/**')"),
        refused("glob root", "SELECT * FROM glob('/*')"),
        refused("glob cache", "SELECT * FROM glob('" + c + "/**')"),
        refused("glob s3", "SELECT * FROM glob('" + s3 + "/**')"),
        refused("parquet_metadata cache", "SELECT * FROM parquet_metadata('" + c + "/files/*.parquet')"),
        refused("parquet_schema s3", "SELECT * FROM parquet_schema('" + s3 + "/" + bFolder + "/*.parquet')"),
        refused("parquet_file_metadata", "SELECT * FROM parquet_file_metadata('" + c + "/files/*.parquet')"),
        refused("sniff_csv", "SELECT * FROM sniff_csv('/etc/passwd')"),
        refused("duckdb_settings", "SELECT * FROM duckdb_settings()"),
        refused("current_setting", "SELECT current_setting('allowed_paths')"),
        refused("duckdb_views", "SELECT sql FROM duckdb_views()"),
        refused("information_schema views", "SELECT view_definition FROM information_schema.views"),
        refused("pg_views", "SELECT definition FROM pg_views"),
        refused("getenv", "SELECT getenv('PATH')"),
        refused("duckdb_databases", "SELECT * FROM duckdb_databases()"),
        refused("duckdb_extensions", "SELECT * FROM duckdb_extensions()"),
        refused("duckdb_secrets", "SELECT * FROM duckdb_secrets()"),
        refused("pragma function", "SELECT * FROM pragma_database_list"),
        refused("query() runs unseen SQL", "SELECT * FROM query('SELECT * FROM duckdb_settings()')"),
        refused("quoted function name", "SELECT * FROM \"read_parquet\"('" + c + "/files/*.parquet')"),
        refused("quoted catalogue name", "SELECT * FROM \"DUCKDB_SETTINGS\"()"),
        refused("no tenant column to widen", "SELECT * FROM users WHERE tenant_id = '" + B + "' OR true"),
        refused("other schema", "SELECT * FROM system.main.users"),
        new Attack("string that looks like statements", "SELECT $$ ; ATTACH 'x' $$ AS s", Set.of(200)),
        new Attack("qualified own view", "SELECT count(*) FROM \"memory\".\"main\".\"users\"", Set.of(200)),
        new Attack("huge cross join", "SELECT count(*) FROM range(1000000) a, range(1000000) b", Set.of(408)),
        new Attack("endless range", "SELECT count(*) FROM range(100000000000000)", Set.of(408)),
        new Attack("recursive cte", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
            Set.of(400, 408)),
        new Attack("memory bomb", "SELECT list(range) FROM range(2000000000)", Set.of(400, 408)),
        new Attack("string bomb", "SELECT string_agg(repeat('x', 1000000), '') FROM range(100000)", Set.of(400, 408)),
        new Attack("wide answer", "SELECT repeat('x', 1000000) FROM range(200)", Set.of(400, 413))));
    return list.stream();
  }

  /** A source request by A; 201 or the refusal status. */
  static QueryClient.Answer source(String token, String tenant, String json) throws Exception {
    return QueryClient.call(lake.engineUri(), "POST", "/v1/tenants/" + tenant + "/datasources", token, json);
  }

  @org.junit.jupiter.api.Test
  void dataSourcesAndScopedTokensReachNothingOfB() throws Exception {
    assertThat(source(TOKEN_B, B, "{\"name\": \"b_users\", \"model\": \"users\", \"filter\": \"active\"}").status()).isEqualTo(201);
    assertThat(source(TOKEN_A, A, "{\"name\": \"a_active\", \"model\": \"users\", \"filter\": \"active\"}").status()).isEqualTo(201);
    List<String> badSources = List.of(
        "{\"name\": \"x1\", \"model\": \"users\", \"filter\": \"tenant_id = '" + B + "'\"}",
        "{\"name\": \"x2\", \"model\": \"users\", \"filter\": \"active OR 1 = (SELECT count(*) FROM read_parquet('" + cache + "/files/*.parquet'))\"}",
        "{\"name\": \"x3\", \"model\": \"users\", \"filter\": \"active) UNION ALL SELECT * FROM users WHERE (true\"}",
        "{\"name\": \"x4\", \"model\": \"users\", \"filter\": \"active; ATTACH 'x'\"}",
        "{\"name\": \"x5\", \"model\": \"users\", \"filter\": \"active -- \"}",
        "{\"name\": \"users\", \"model\": \"users\", \"filter\": \"active\"}",
        "{\"name\": \"x6\", \"model\": \"refined/users\", \"filter\": \"active\"}",
        "{\"name\": \"X7;\", \"model\": \"users\", \"filter\": \"active\"}",
        "{\"name\": \"x8\", \"model\": \"users\", \"filter\": \"getenv('PATH') = 'x'\"}");
    for (String body : badSources) {
      QueryClient.Answer a = source(TOKEN_A, A, body);
      assertThat(a.status()).as(body + ": " + a.body()).isEqualTo(400);
      for (String secret : forbidden) assertThat(a.body()).doesNotContain(secret);
    }
    // A's token may not create a source for B, nor B's be listed with it.
    assertThat(source(TOKEN_A, B, "{\"name\": \"x9\", \"model\": \"users\", \"filter\": \"active\"}").status()).isEqualTo(403);
    assertThat(QueryClient.call(lake.engineUri(), "GET", "/v1/tenants/" + B + "/datasources", TOKEN_A, null).status()).isEqualTo(403);
    assertThat(QueryClient.call(lake.engineUri(), "GET", "/v1/tenants/" + A + "/datasources", TOKEN_A, null).body())
        .doesNotContain("b_users");

    QueryClient.Answer own = QueryClient.query(lake.engineUri(), A, TOKEN_A_SCOPED, "SELECT count(*), min(display_name) FROM a_active");
    assertThat(own.status()).as(own.body()).isEqualTo(200);
    assertThat(own.json().path("rows").get(0).get(1).asText()).startsWith(A);
    for (String sql : List.of("SELECT * FROM b_users", "SELECT * FROM users", "SELECT * FROM issue_with_assignee",
        "SELECT * FROM read_parquet('" + cache + "/files/*.parquet')", "SELECT * FROM memory.main.users")) {
      QueryClient.Answer a = QueryClient.query(lake.engineUri(), A, TOKEN_A_SCOPED, sql);
      assertThat(a.status()).as(sql + ": " + a.body()).isEqualTo(400);
      for (String secret : forbidden) assertThat(a.body()).doesNotContain(secret);
    }
    assertThat(QueryClient.query(lake.engineUri(), B, TOKEN_A_SCOPED, "SELECT * FROM b_users").status()).isEqualTo(401);
    assertThat(QueryClient.call(lake.engineUri(), "GET", "/v1/tenants/" + A + "/datasources", TOKEN_A_SCOPED, null).status())
        .isEqualTo(401);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void anAttackGetsNothingAndTheNodeStillAnswers(Attack attack) throws Exception {
    QueryClient.Answer a = QueryClient.query(lake.engineUri(), A, TOKEN_A, attack.sql());
    assertThat(a.status()).as("%s: %s", attack.name(), a.body()).isIn(attack.allowed());
    if (a.status() != 200) {
      assertThat(a.json().path("error").asText()).isNotEmpty();
      assertThat(a.json().path("reason").asText()).isNotEmpty();
    }
    for (String secret : forbidden) assertThat(a.body()).as(attack.name()).doesNotContain(secret);
    // The lake's location, and the cache folder, only where the attacker typed them.
    if (!attack.sql().contains(lake.storage.root().getHost())) assertThat(a.body()).doesNotContain(lake.storage.root().getHost());
    if (!attack.sql().contains(cache.toString())) assertThat(a.body()).doesNotContain(cache.toString());
    QueryClient.Answer health = QueryClient.query(lake.engineUri(), A, TOKEN_A, "SELECT count(*), min(display_name) FROM users");
    assertThat(health.status()).as(health.body()).isEqualTo(200);
    assertThat(health.json().path("rows").get(0).get(0).asLong()).isEqualTo(5);
    assertThat(health.json().path("rows").get(0).get(1).asText()).startsWith(A);
  }
}
