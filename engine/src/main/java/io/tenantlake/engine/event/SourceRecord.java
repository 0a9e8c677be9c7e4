package io.tenantlake.engine.event;

import java.time.Instant;

/**
 * A record as read from a lane, not yet decoded: bytes and where they came from. A lane that
 * already knows the record is unusable (a snapshot line that is not JSON, a broken frame) says why
 * in {@code problem}; the decoder then files it as a dead letter with that reason.
 */
/**
 * @param shardRange for a Kinesis record, its shard's hash-key range when known: an event of a
 *     packed record whose own key falls outside it was misrouted by a stale shard map and put
 *     again by the intake on its own shard, so this copy is skipped
 */
public record SourceRecord(Origin origin, byte[] data, Instant arrivedAt, String problem, HashRange shardRange) {
  public SourceRecord(Origin origin, byte[] data, Instant arrivedAt) {
    this(origin, data, arrivedAt, null, null);
  }

  public SourceRecord(Origin origin, byte[] data, Instant arrivedAt, String problem) {
    this(origin, data, arrivedAt, problem, null);
  }

  public static SourceRecord unusable(Origin origin, byte[] data, String problem) {
    return new SourceRecord(origin, data, Instant.now(), problem);
  }
}
