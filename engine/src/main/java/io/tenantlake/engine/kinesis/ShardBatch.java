package io.tenantlake.engine.kinesis;

import io.tenantlake.engine.event.HashRange;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * One GetRecords answer of one shard: its records in order, how far behind the shard's tip it
 * was, and the shard's hash-key range (null when not known).
 */
public record ShardBatch(String stream, String shardId, List<Record> records, long millisBehindLatest,
    HashRange hashRange) {
  public ShardBatch(String stream, String shardId, List<Record> records, long millisBehindLatest) {
    this(stream, shardId, records, millisBehindLatest, null);
  }

  public ShardBatch withHashRange(HashRange range) {
    return new ShardBatch(stream, shardId, records, millisBehindLatest, range);
  }

  public String lastSequenceNumber() {
    return records.isEmpty() ? null : records.get(records.size() - 1).sequenceNumber();
  }
}
