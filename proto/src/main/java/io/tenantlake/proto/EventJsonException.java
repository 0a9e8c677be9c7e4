package io.tenantlake.proto;

/**
 * JSON that is not a valid message of the contract. Unchecked and an IllegalArgumentException,
 * because it is the caller's input that is wrong (the HTTP layer answers 400 with the message).
 */
public final class EventJsonException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public EventJsonException(String message, Throwable cause) {
    super(message, cause);
  }
}
