package io.tenantlake.engine.claimcheck;

/** A claim check that cannot be honoured; the message names the object and why. */
public final class ClaimCheckException extends RuntimeException {
  public ClaimCheckException(String message) {
    super(message);
  }

  public ClaimCheckException(String message, Throwable cause) {
    super(message, cause);
  }
}
