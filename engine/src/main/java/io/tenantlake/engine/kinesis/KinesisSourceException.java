package io.tenantlake.engine.kinesis;

/** A shard or stream that cannot be read; the message names it. */
public final class KinesisSourceException extends RuntimeException {
  public KinesisSourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
