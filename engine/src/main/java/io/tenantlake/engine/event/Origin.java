package io.tenantlake.engine.event;

/**
 * Where a record was read: for the live lane a Kinesis stream, shard and sequence number; for the
 * bootstrap lane a snapshot URI, object key and record offset. Errors and dead letters name it.
 */
public record Origin(Lane lane, String stream, String shardId, String sequenceNumber) {
  @Override
  public String toString() {
    return lane.label() + " " + stream + "/" + shardId + "@" + sequenceNumber;
  }
}
