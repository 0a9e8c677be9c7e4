package io.tenantlake.engine.delta;

/** A commit that cannot go through as asked; the message names the table and the reason. */
public class DeltaCommitException extends RuntimeException {
  public DeltaCommitException(String message, Throwable cause) {
    super(message, cause);
  }

  public DeltaCommitException(String message) {
    super(message);
  }
}
