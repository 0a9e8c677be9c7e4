package io.tenantlake.engine.query;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.query.TenantSnapshotViews.ModelSnapshot;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A fresh in-memory DuckDB for one query that can open exactly the files its views read, and
 * nothing else. Found by experiment with DuckDB 2.0.0 (JDBC 2.0.0.1), see the engine's
 * QuerySandboxTest:
 * <ul>
 *   <li>{@code enable_external_access=false} also stops views created before it: DuckDB checks
 *       file access when a view is scanned, not when it is created. What works is to list the
 *       files first in {@code allowed_paths} (exact paths, not folders: a glob or a sibling file is
 *       refused), then turn external access off, then create the views, then
 *       {@code lock_configuration=true} so no SET/RESET can undo any of it.
 *   <li>{@code allowed_paths} resolves symbolic links and would show their targets: the files are
 *       hard links in the query's own folder ({@link QueryFolder}), named by hash.
 *   <li>{@code temp_directory} defaults to {@code .tmp} of the working directory and is then an
 *       allowed directory: it is set empty (nothing spills; a query over its memory limit fails).
 *       The extension and secret folders default to the home directory, whose path their errors
 *       show: both are pointed at the query's folder.
 *   <li>Extensions are neither installed nor loaded on demand (httpfs would open the network).
 *   <li>{@code getenv} does not exist in the embedded library (only in the CLI).
 * </ul>
 * After an error, DuckDB's JDBC closes the statement that failed: each statement here is its own.
 */
final class SandboxedDuckDb {
  private SandboxedDuckDb() {}

  /** Opens the sandbox with one view per model over the files linked in {@code folder}. */
  static Connection open(QuerySettings settings, Path folder, List<ModelSnapshot> models, Map<DataFile, Path> linked,
      List<DerivedView> derived, boolean modelViews) throws SQLException {
    Properties p = new Properties();
    // Rows are fetched as the answer is built, so a query with a huge result stops at the row limit
    // instead of being materialised whole first.
    p.setProperty("jdbc_stream_results", "true");
    Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
    try {
      List<String> allowed = new ArrayList<>();
      for (Path f : linked.values()) allowed.add(literal(f.toString()));
      exec(c, "SET autoinstall_known_extensions = false");
      exec(c, "SET autoload_known_extensions = false");
      exec(c, "SET temp_directory = ''");
      exec(c, "SET extension_directory = " + literal(folder.toString()));
      exec(c, "SET secret_directory = " + literal(folder.toString()));
      exec(c, "SET TimeZone = 'UTC'");
      exec(c, "SET memory_limit = '" + settings.memoryLimitBytes() / 1024 + "KiB'");
      exec(c, "SET threads = " + settings.threads());
      exec(c, "SET allowed_paths = [" + String.join(", ", allowed) + "]");
      exec(c, "SET enable_external_access = false");
      Map<String, String> selects = new java.util.HashMap<>();
      for (ModelSnapshot m : models) {
        selects.put(m.model(), selectSql(m, linked));
        if (modelViews) exec(c, "CREATE VIEW " + ident(m.model()) + " AS " + selects.get(m.model()));
      }
      // Without model views (a token scoped to data sources) a data source reads its model's
      // SELECT inline, and nothing else is there to name.
      java.util.function.Function<String, String> relation = modelViews ? SandboxedDuckDb::ident
          : model -> "(" + selects.get(model) + ")";
      // A derived view whose models have no table yet is left out: the query then names an
      // unknown table, which DuckDB says.
      for (DerivedView v : derived) {
        if (!selects.keySet().containsAll(v.models()) || (!modelViews && !v.inlineable())) continue;
        exec(c, "CREATE VIEW " + ident(v.name()) + " AS " + v.sql().apply(relation));
      }
      exec(c, "SET lock_configuration = true");
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * A model view's SELECT: the tenant's files read by column name ({@code union_by_name}: files written before
   * a column was added lack it), united by name with a typed empty row set so that every column
   * exists with its type even when no file has it or the tenant has no files, tombstones hidden.
   */
  static String selectSql(ModelSnapshot m, Map<DataFile, Path> linked) {
    List<Column> all = m.schema().dataColumns();
    String typed = all.stream().map(col -> "CAST(NULL AS " + duckType(col.type()) + ") AS " + ident(col.name()))
        .collect(Collectors.joining(", "));
    String source = "SELECT " + typed + " WHERE false";
    if (!m.files().isEmpty()) {
      String files = m.files().stream().map(f -> literal(linked.get(f).toString())).collect(Collectors.joining(", "));
      source = "SELECT * FROM read_parquet([" + files + "], union_by_name = true) UNION ALL BY NAME " + source;
    }
    String visible = m.visibleColumns().stream()
        .map(col -> "CAST(" + ident(col.name()) + " AS " + duckType(col.type()) + ") AS " + ident(col.name()))
        .collect(Collectors.joining(", "));
    return "SELECT " + visible + " FROM (" + source + ") WHERE NOT "
        + ident(io.tenantlake.engine.refined.RefinedTables.DELETED);
  }

  static String duckType(ColumnType t) {
    return switch (t) {
      case STRING -> "VARCHAR";
      case LONG -> "BIGINT";
      case INT -> "INTEGER";
      case BOOLEAN -> "BOOLEAN";
      case DOUBLE -> "DOUBLE";
      case BINARY -> "BLOB";
      // Delta timestamps are instants (microseconds, UTC): TIMESTAMPTZ, shown in UTC.
      case TIMESTAMP -> "TIMESTAMPTZ";
    };
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
