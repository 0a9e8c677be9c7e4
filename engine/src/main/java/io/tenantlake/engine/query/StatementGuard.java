package io.tenantlake.engine.query;

import io.tenantlake.engine.query.SqlTokens.Kind;
import io.tenantlake.engine.query.SqlTokens.Token;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Accepts only one read-only query: a SELECT, WITH, VALUES, FROM-first or parenthesised query,
 * alone (a trailing semicolon is fine; a second statement is refused, whatever comments hide it).
 * Statement keywords that change state or reach outside (ATTACH, COPY, INSTALL, SET, PRAGMA, ...)
 * are refused anywhere outside string literals and quoted identifiers, as are the catalogue and
 * setting functions that would show the sandbox's configuration.
 *
 * <p>This is the first of two walls, not the isolation itself: the query's DuckDB can open only
 * its tenant's files whatever SQL reaches it ({@link SandboxedDuckDb}). The guard turns what the
 * sandbox would also stop into a clear refusal, and stops what the sandbox allows but must not be
 * run: several statements (DuckDB's prepare runs all but the last), and a look at the settings.
 */
public final class StatementGuard {
  private static final Set<String> FIRST_WORDS = Set.of("select", "with", "values", "from", "table");

  /** Refused as bare words anywhere: statements and clauses that write, configure or reach out. */
  private static final Set<String> REFUSED_WORDS = Set.of("attach", "detach", "copy", "export", "import", "install",
      "load", "set", "reset", "pragma", "create", "drop", "alter", "call", "prepare", "execute", "deallocate", "begin",
      "commit", "rollback", "abort", "transaction", "checkpoint", "force", "vacuum", "insert", "update", "delete",
      "merge", "truncate", "use", "analyze", "summarize", "describe", "show", "secret", "macro", "returning");

  /** Functions that show the configuration or run SQL text the guard never saw. */
  private static final Set<String> REFUSED_FUNCTIONS = Set.of("duckdb_settings", "current_setting", "duckdb_views",
      "duckdb_databases", "duckdb_extensions", "duckdb_secrets", "which_secret", "duckdb_temporary_files", "duckdb_logs",
      "duckdb_log_contexts", "duckdb_secret_types", "duckdb_variables", "getenv", "getvariable", "current_database",
      "query", "query_table", "json_execute_serialized_sql", "json_deserialize_sql", "json_serialize_sql",
      "json_serialize_plan", "enable_logging", "disable_logging", "truncate_duckdb_logs", "checkpoint",
      "force_checkpoint", "sql_auto_complete", "current_schemas", "pg_views");

  private StatementGuard() {}

  /**
   * The names (lower case) the statement uses as words or quoted identifiers: a query gets views
   * only for the models it names, so it reads only their logs.
   */
  public static Set<String> namesUsed(String sql) {
    Set<String> names = new java.util.HashSet<>();
    try {
      for (Token t : SqlTokens.lex(sql)) {
        if (t.kind() == Kind.WORD || t.kind() == Kind.QUOTED_IDENT) names.add(t.text());
      }
    } catch (SqlTokens.LexException e) {
      // checked by check(); nothing is used
    }
    return names;
  }

  /** Why the statement is refused, or empty when it may run. */
  public static Optional<String> check(String sql) {
    List<Token> tokens;
    try {
      tokens = SqlTokens.lex(sql);
    } catch (SqlTokens.LexException e) {
      return Optional.of(e.getMessage());
    }
    int end = tokens.size();
    while (end > 0 && tokens.get(end - 1).kind() == Kind.SEMICOLON) end--;
    if (end == 0) return Optional.of("the query is empty");
    for (int i = 0; i < end; i++) {
      if (tokens.get(i).kind() == Kind.SEMICOLON) return Optional.of("only one statement per query: a ';' is followed by more");
    }
    Token first = tokens.get(0);
    boolean firstOk = first.kind() == Kind.OPEN_PAREN || (first.kind() == Kind.WORD && FIRST_WORDS.contains(first.text()));
    if (!firstOk) {
      return Optional.of("only read-only queries (SELECT, WITH, VALUES, FROM) are accepted, not "
          + (first.kind() == Kind.WORD ? first.text().toUpperCase(java.util.Locale.ROOT) : "this statement"));
    }
    for (int i = 0; i < end; i++) {
      Token t = tokens.get(i);
      boolean name = t.kind() == Kind.WORD || t.kind() == Kind.QUOTED_IDENT;
      if (t.kind() == Kind.WORD && REFUSED_WORDS.contains(t.text())) {
        return Optional.of(t.text().toUpperCase(java.util.Locale.ROOT) + " is not allowed in a query (read-only "
            + "queries only; quote a column of that name as \"" + t.text() + "\")");
      }
      // information_schema.views holds the views' SQL, which names the query's files.
      if (name && t.text().equals("views") && i > 0 && tokens.get(i - 1).text().equals(".")) {
        return Optional.of("the catalogue's view definitions are not available to queries");
      }
      if (name && (REFUSED_FUNCTIONS.contains(t.text()) || t.text().startsWith("pragma_"))) {
        boolean call = i + 1 < end && tokens.get(i + 1).kind() == Kind.OPEN_PAREN;
        // query and query_table are common column names: refused only where called.
        if (call || !(t.text().equals("query") || t.text().equals("query_table"))) {
          return Optional.of("the function " + t.text() + " is not available to queries");
        }
      }
    }
    return Optional.empty();
  }
}
