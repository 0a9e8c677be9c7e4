package io.tenantlake.engine.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Data source filters: conditions over the model's columns, written back as SQL; anything else refused. */
class FilterParserTest {
  static final Set<String> COLUMNS = Set.of("project_key", "status", "label_count", "updated", "active");
  static final Set<String> BOOLEANS = Set.of("active");

  static String sql(String filter) {
    return FilterParser.toSql(filter, COLUMNS, BOOLEANS);
  }

  @Test
  void conditionsAreWrittenBackQuotedAndParenthesised() {
    assertThat(sql("project_key = 'XYZ'")).isEqualTo("(\"project_key\" = 'XYZ')");
    assertThat(sql("status IN ('Open', 'Done') AND NOT label_count > 3 OR active"))
        .isEqualTo("(((\"status\" IN ('Open', 'Done')) AND (NOT (\"label_count\" > 3))) OR \"active\")");
    assertThat(sql("lower(status) LIKE 'in %' and updated >= TIMESTAMP '2026-01-01 00:00:00'"))
        .isEqualTo("((lower(\"status\") LIKE 'in %') AND (\"updated\" >= TIMESTAMP '2026-01-01 00:00:00'))");
    assertThat(sql("project_key = 'it''s'")).isEqualTo("(\"project_key\" = 'it''s')");
    assertThat(sql("label_count BETWEEN -1 AND 2.5")).isEqualTo("(\"label_count\" BETWEEN -1 AND 2.5)");
    assertThat(sql("\"status\" IS NOT NULL")).isEqualTo("(\"status\" IS NOT NULL)");
    assertThat(sql("starts_with(project_key, 'X')")).isEqualTo("starts_with(\"project_key\", 'X')");
    assertThat(sql("label_count - -1 > 0")).isEqualTo("((\"label_count\" - -1) > 0)");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "project_key",
      "'x'",
      "label_count + 1",
      "tenant_id = 'other'",
      "_deleted",
      "project_key = 'x'; DROP VIEW users",
      "project_key = 'x' -- comment",
      "project_key = 'x' /* c */",
      "project_key = 'x') OR (1 = 1",
      "project_key = (SELECT 1)",
      "project_key IN (SELECT project_key FROM jira_projects)",
      "read_parquet('/etc/passwd') IS NOT NULL",
      "current_setting('allowed_paths') = 'x'",
      "project_key = 'unterminated",
      "project_key = \"unterminated",
      "project_key = 'x' UNION SELECT 1",
      "exists (SELECT 1)",
      "project_key::VARCHAR = 'x'",
      "project_key = $$x$$",
      "project_key = E'\\x27'",
      "status IS TRUE",
      "NOT project_key",
      "project_key = 'a' AND",
  })
  void everythingElseIsRefused(String filter) {
    assertThatThrownBy(() -> sql(filter)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("");
  }

  @Test
  void refusalsNameWhat() {
    assertThatThrownBy(() -> sql("tenant_id = 'b'")).hasMessageContaining("tenant_id").hasMessageContaining("not a column");
    assertThatThrownBy(() -> sql("read_parquet('x') IS NULL")).hasMessageContaining("read_parquet");
    assertThatThrownBy(() -> sql("a = 1; x")).hasMessageContaining(";");
    assertThatThrownBy(() -> sql("(".repeat(100) + "active" + ")".repeat(100))).hasMessageContaining("nested");
  }
}
