package io.tenantlake.engine.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.refined.EntityRows;
import io.tenantlake.engine.refined.ModelSchema;
import io.tenantlake.engine.refined.RefinedTableWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queries over a local lake with two tenants: views, tombstones, parameters, limits and time. */
class TenantQueryEngineTest {
  static final Instant T0 = Instant.parse("2026-11-20T09:00:00.123456Z");
  static final ModelSchema ISSUES = new ModelSchema("jira_issues", List.of(
      Column.required("issue_id", ColumnType.STRING), Column.optional("summary", ColumnType.STRING),
      Column.optional("priority", ColumnType.INT)), List.of("issue_id"));

  @TempDir Path lake;
  @TempDir Path cacheDir;
  TenantQueryEngine engine;
  RefinedTableWriter writer;

  static EntityRows issue(String tenant, String id, long version, String summary) {
    return new EntityRows(tenant, "jira.issue", id, version, false, "ev-" + id + "-" + version, T0.plusSeconds(version),
        List.<Object[]>of(new Object[] {id, summary, (int) version}));
  }

  @BeforeEach
  void setUp() {
    DeltaStorage storage = DeltaStorage.local(lake);
    writer = RefinedTableWriter.open(storage, ISSUES);
    writer.merge(List.of(issue("acme", "I-1", 1, "first"), issue("acme", "I-2", 1, "second"),
        issue("globex", "I-1", 1, "GLOBEX-SECRET")), 0, null);
    QuerySettings s = QuerySettings.fromConfig(ConfigFactory.load()).withCacheDir(cacheDir).withLimits(Duration.ofSeconds(3), 100);
    engine = new TenantQueryEngine(s, new TenantSnapshotViews(storage, List.of("jira_issues", "users")),
        new ParquetFileCache(cacheDir, s.cacheMaxBytes(), storage.root(), null));
  }

  @AfterEach
  void tearDown() {
    engine.close();
    writer.close();
  }

  QueryResult q(String tenant, String sql, Object... params) {
    return engine.run(tenant, new QueryRequest(sql, Optional.empty(), List.of(params)));
  }

  @Test
  void aTenantSeesItsOwnLiveRowsAndTheVersion() {
    QueryResult r = q("acme", "SELECT * FROM jira_issues ORDER BY issue_id");
    assertThat(r.columns()).extracting(QueryResult.ColumnInfo::name)
        .containsExactly("issue_id", "summary", "priority", "_version", "_updated_at");
    assertThat(r.rows()).hasSize(2);
    assertThat(r.rows().get(0)).containsExactly("I-1", "first", 1, 1L, T0.plusSeconds(1).toString());
    assertThat(r.tableVersions()).containsOnlyKeys("jira_issues").containsEntry("jira_issues", writer.table().version());
    assertThat(r.truncated()).isFalse();

    writer.merge(List.of(issue("acme", "I-1", 2, "newer"), new EntityRows("acme", "jira.issue", "I-2", 2, true, "ev-d",
        T0.plusSeconds(2), List.of())), 1, null);
    QueryResult after = q("acme", "SELECT issue_id, summary, _version FROM jira_issues ORDER BY 1");
    assertThat(after.rows()).containsExactly(List.of("I-1", "newer", 2L));
    assertThat(q("globex", "SELECT summary FROM jira_issues").rows()).containsExactly(List.of("GLOBEX-SECRET"));
  }

  @Test
  void parametersAreBoundAndRowsLimited() {
    assertThat(q("acme", "SELECT summary FROM jira_issues WHERE issue_id = ? AND priority >= ?", "I-2", 1).rows())
        .containsExactly(List.of("second"));
    QueryResult cut = engine.run("acme", new QueryRequest("SELECT * FROM range(1000000)", Optional.of(5), List.of()));
    assertThat(cut.rows()).hasSize(5);
    assertThat(cut.truncated()).isTrue();
    QueryResult capped = q("acme", "SELECT * FROM range(1000)");
    assertThat(capped.rows()).hasSize(100);
    assertThat(capped.truncated()).isTrue();
  }

  @Test
  void errorsAndLimitsAreTyped() {
    assertThatThrownBy(() -> q("acme", "SELECT nope FROM jira_issues")).isInstanceOfSatisfying(QueryException.class,
        e -> {
          assertThat(e.kind()).isEqualTo(QueryException.Kind.SQL_ERROR);
          assertThat(e.getMessage()).contains("nope");
        });
    assertThatThrownBy(() -> q("acme", "DROP VIEW jira_issues")).isInstanceOfSatisfying(QueryException.class,
        e -> assertThat(e.kind()).isEqualTo(QueryException.Kind.REFUSED));
    long started = System.nanoTime();
    assertThatThrownBy(() -> q("acme", "SELECT count(*) FROM range(100000000000) a")).isInstanceOfSatisfying(
        QueryException.class, e -> assertThat(e.kind()).isEqualTo(QueryException.Kind.TIMEOUT));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    assertThat(engine.running()).isZero();
    assertThat(q("acme", "SELECT count(*) FROM jira_issues").rows()).containsExactly(List.of(2L));
  }

  @Test
  void theSandboxOpensNoOtherFile() {
    String otherTenant = lake.resolve("refined/jira_issues/tenant_id=globex").toString();
    for (String sql : List.of(
        "SELECT * FROM read_parquet('" + otherTenant + "/*.parquet')",
        "SELECT * FROM read_parquet('" + lake + "/refined/jira_issues/**/*.parquet')",
        "SELECT * FROM glob('" + lake + "/**')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_csv_auto('/etc/hostname')",
        "SELECT * FROM read_blob('" + cacheDir + "/files/*')",
        "SELECT * FROM read_json('file:///etc/passwd')",
        "SELECT * FROM parquet_schema('" + otherTenant + "/x.parquet')")) {
      assertThatThrownBy(() -> q("acme", sql)).as(sql).isInstanceOfSatisfying(QueryException.class, e -> {
        assertThat(e.kind()).isEqualTo(QueryException.Kind.SQL_ERROR);
        assertThat(e.getMessage()).containsAnyOf("Permission Error", "disabled by configuration");
      });
    }
  }
}
