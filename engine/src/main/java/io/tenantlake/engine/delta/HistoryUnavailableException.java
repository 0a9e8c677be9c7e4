package io.tenantlake.engine.delta;

/** A version or a span of versions that a table's log does not hold (never did, or cleaned up). */
public final class HistoryUnavailableException extends RuntimeException {
  public HistoryUnavailableException(String message) {
    super(message);
  }
}
