package io.tenantlake.engine.event;

/**
 * Where a record was read: for the live lane a Kinesis stream, shard and sequence number; for the
 * bootstrap lane the job ({@code bootstrap/<job id>}) and a position in its snapshot, with a
 * {@code locator} naming the object and record offset. Errors and dead letters name it.
 */
public record Origin(Lane lane, String stream, String shardId, String sequenceNumber, String locator) {
  public Origin(Lane lane, String stream, String shardId, String sequenceNumber) {
    this(lane, stream, shardId, sequenceNumber, null);
  }

  @Override
  public String toString() {
    String at = lane.label() + " " + stream + "/" + shardId + "@" + sequenceNumber;
    return locator == null ? at : at + " (" + locator + ")";
  }
}
