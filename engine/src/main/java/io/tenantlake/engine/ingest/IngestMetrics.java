package io.tenantlake.engine.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the raw ingest: records read, events committed, dead letters, commits, and each
 * shard's lag behind its tip. Cheap to update from stream stages; read by the progress log and the
 * metrics endpoint.
 */
public final class IngestMetrics {
  public final LongAdder recordsRead = new LongAdder();
  /** Records taken from the throttled lanes (bootstrap, import). */
  public final LongAdder backfillRead = new LongAdder();
  public final LongAdder eventsCommitted = new LongAdder();
  public final LongAdder deadLetters = new LongAdder();
  public final LongAdder skippedAsCommitted = new LongAdder();
  public final LongAdder commits = new LongAdder();
  public final LongAdder commitMillis = new LongAdder();
  private final Map<String, Long> millisBehind = new ConcurrentHashMap<>();

  public void lag(String stream, String shardId, long millisBehindLatest) {
    millisBehind.put(stream + "/" + shardId, millisBehindLatest);
  }

  /** Per shard ({@code stream/shardId}), the MillisBehindLatest of its last answer. */
  public Map<String, Long> lagByShard() {
    return Map.copyOf(millisBehind);
  }

  public long maxLagMillis() {
    return millisBehind.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }
}
