package io.tenantlake.engine.query;

/** Why a query did not answer; the kind says which limit or rule, the message is for the caller. */
public final class QueryException extends RuntimeException {
  public enum Kind {
    /** Not a single read-only query, or a function that is not available. */
    REFUSED,
    /** DuckDB refused or failed the query (its message, which names only the tenant's own views). */
    SQL_ERROR,
    /** The time limit passed: the query was interrupted. */
    TIMEOUT,
    /** The SQL text or the answer is over its size limit. */
    TOO_LARGE,
    /** Too many queries are running for the tenant or on the node. */
    TOO_MANY,
    /** The lake could not be read (a file fetch failed); worth retrying. */
    UNAVAILABLE
  }

  private final Kind kind;

  public QueryException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public QueryException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
