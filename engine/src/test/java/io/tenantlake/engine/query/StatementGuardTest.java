package io.tenantlake.engine.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guard in front of the sandbox: one read-only query, comments and literals read as DuckDB reads them. */
class StatementGuardTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 1",
      "select * from jira_issues where status = 'Done';",
      "  -- a comment\n SELECT count(*) FROM jira_issues ;;",
      "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
      "VALUES (1), (2)",
      "FROM jira_issues",
      "(SELECT 1) UNION ALL (SELECT 2)",
      "SELECT 'DROP TABLE x; ATTACH ''y''' AS s",
      "SELECT \"set\", \"load\" FROM (SELECT 1 AS \"set\", 2 AS \"load\")",
      "SELECT /* ; DROP TABLE x; */ 1",
      "SELECT /* nested /* ; */ still comment ; */ 1",
      "SELECT $$ ; COPY x TO 'y' $$",
      "SELECT E'it\\'s ; ATTACH' AS s",
      "SELECT * FROM jira_issues WHERE issue_id = ? AND label_count > ?",
      "SELECT query FROM (SELECT 1 AS query)",
      "SELECT updated, _updated_at FROM jira_issues",
      "SELECT table_name, column_name FROM information_schema.columns",
      "SELECT views FROM (SELECT 1 AS views)",
  })
  void readOnlyQueriesPass(String sql) {
    assertThat(StatementGuard.check(sql)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ATTACH '/tmp/x.db' AS x",
      "DETACH x",
      "COPY jira_issues TO '/tmp/out.csv'",
      "EXPORT DATABASE '/tmp/out'",
      "IMPORT DATABASE '/tmp/out'",
      "INSTALL httpfs",
      "LOAD httpfs",
      "SET enable_external_access = true",
      "RESET lock_configuration",
      "PRAGMA database_list",
      "CREATE TABLE t AS SELECT 1",
      "DROP VIEW jira_issues",
      "ALTER VIEW jira_issues RENAME TO x",
      "CALL pragma_database_list()",
      "PREPARE p AS SELECT 1",
      "EXECUTE p",
      "BEGIN TRANSACTION",
      "COMMIT",
      "ROLLBACK",
      "SELECT 1; SELECT 2",
      "SELECT 1; -- hidden\n ATTACH 'x'",
      "SELECT 1 /* */ ; /* */ DROP VIEW users",
      "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
      "SELECT * FROM duckdb_settings()",
      "SELECT current_setting('allowed_paths')",
      "SELECT * FROM \"duckdb_views\"()",
      "SELECT * FROM DuckDB_Databases()",
      "SELECT * FROM pragma_database_list",
      "SELECT getenv('HOME')",
      "SELECT * FROM query('SELECT * FROM duckdb_settings()')",
      "SELECT 'unterminated",
      "SELECT /* unterminated",
      "",
      "  ;  ",
      "DESCRIBE jira_issues",
      "SHOW TABLES",
      "SUMMARIZE jira_issues",
      "CHECKPOINT",
      "SELECT * FROM information_schema.views",
      "SELECT * FROM \"information_schema\".\"VIEWS\"",
      "SELECT * FROM pg_views",
  })
  void everythingElseIsRefused(String sql) {
    assertThat(StatementGuard.check(sql)).isPresent();
  }

  @org.junit.jupiter.api.Test
  void refusalsSayWhat() {
    assertThat(StatementGuard.check("SELECT 1; SELECT 2")).hasValueSatisfying(r -> assertThat(r).contains("one statement"));
    assertThat(StatementGuard.check("ATTACH 'x'")).hasValueSatisfying(r -> assertThat(r).contains("ATTACH"));
    assertThat(StatementGuard.check("SELECT current_setting('x')"))
        .hasValueSatisfying(r -> assertThat(r).contains("current_setting"));
  }
}
