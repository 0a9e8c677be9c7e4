package io.tenantlake.engine.kinesis;

import java.util.List;
import software.amazon.awssdk.services.kinesis.model.Record;

/** One GetRecords answer of one shard: its records in order, and how far behind the shard's tip it was. */
public record ShardBatch(String stream, String shardId, List<Record> records, long millisBehindLatest) {
  public String lastSequenceNumber() {
    return records.isEmpty() ? null : records.get(records.size() - 1).sequenceNumber();
  }
}
