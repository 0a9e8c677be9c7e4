package io.tenantlake.engine.event;

import java.time.Instant;

/**
 * A record as read from a lane, not yet decoded: bytes and where they came from. A lane that
 * already knows the record is unusable (a snapshot line that is not JSON, a broken frame) says why
 * in {@code problem}; the decoder then files it as a dead letter with that reason.
 */
public record SourceRecord(Origin origin, byte[] data, Instant arrivedAt, String problem) {
  public SourceRecord(Origin origin, byte[] data, Instant arrivedAt) {
    this(origin, data, arrivedAt, null);
  }

  public static SourceRecord unusable(Origin origin, byte[] data, String problem) {
    return new SourceRecord(origin, data, Instant.now(), problem);
  }
}
