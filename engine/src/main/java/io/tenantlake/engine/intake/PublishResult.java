package io.tenantlake.engine.intake;

/** What became of one event handed to {@link KinesisPublisher#publish}. */
public sealed interface PublishResult {

  /** Kinesis stored the record: from now on the event must never be lost. */
  record Acknowledged(String stream, String shardId, String sequenceNumber) implements PublishResult {}

  /**
   * Not stored (as far as we know: a call cut by the deadline may still have been stored, so a
   * retry may duplicate it, which event_id and version make harmless).
   *
   * @param permanent the event itself can never be published as it is (too large for a record,
   *     no stream for its entity_type): retrying is pointless. Otherwise Kinesis was unavailable,
   *     throttled or misconfigured and a later retry may succeed.
   */
  record Failed(String reason, boolean permanent) implements PublishResult {}

  default boolean acknowledged() {
    return this instanceof Acknowledged;
  }
}
