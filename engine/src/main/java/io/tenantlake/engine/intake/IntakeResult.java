package io.tenantlake.engine.intake;

import java.util.Objects;

/**
 * The intake's answer for one event of a batch, at its index in the request.
 *
 * <ul>
 *   <li>{@link Status#ACCEPTED}: Kinesis acknowledged it (stream, shard id, sequence number set).
 *   <li>{@link Status#REJECTED}: the event is not acceptable as sent (reason set); resending it
 *       unchanged will fail again.
 *   <li>{@link Status#UNAVAILABLE}: it could not be stored right now (Kinesis or the claim-check
 *       store failed or was too slow; reason set); resend it later.
 * </ul>
 */
public record IntakeResult(int index, String eventId, Status status, String reason, String stream, String shardId,
    String sequenceNumber) {

  public enum Status {
    ACCEPTED, REJECTED, UNAVAILABLE;

    /** As it appears in the JSON answer. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public IntakeResult {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(status, "status");
    if ((status == Status.ACCEPTED) != (reason == null)) {
      throw new IllegalArgumentException("an accepted result has no reason, any other has one");
    }
  }

  public static IntakeResult accepted(int index, String eventId, String stream, String shardId, String sequenceNumber) {
    return new IntakeResult(index, eventId, Status.ACCEPTED, null, stream, shardId, sequenceNumber);
  }

  public static IntakeResult rejected(int index, String eventId, String reason) {
    return new IntakeResult(index, eventId, Status.REJECTED, reason, null, null, null);
  }

  public static IntakeResult unavailable(int index, String eventId, String reason) {
    return new IntakeResult(index, eventId, Status.UNAVAILABLE, reason, null, null, null);
  }
}
