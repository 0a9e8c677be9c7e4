package io.tenantlake.engine.ingest;

import io.tenantlake.engine.metrics.DeadLetterReasons;
import io.tenantlake.engine.metrics.DurationHistogram;
import io.tenantlake.engine.metrics.TopTenants;
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
  /** Events not written because their raw table already held their event id with the same content. */
  public final LongAdder duplicatesDropped = new LongAdder();
  /** Events written although their event id was there with other content. */
  public final LongAdder idConflicts = new LongAdder();
  public final LongAdder commits = new LongAdder();
  private final Map<String, LongAdder> duplicatesByTable = new ConcurrentHashMap<>();
  public final LongAdder commitMillis = new LongAdder();
  private final Map<String, Long> millisBehind = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> recordsByShard = new ConcurrentHashMap<>();
  /** Wall time of each raw commit cycle (every table's transaction and the checkpoint). */
  public final DurationHistogram commitDuration = new DurationHistogram(DurationHistogram.COMMIT_SECONDS);
  public final DeadLetterReasons deadLetterReasons = new DeadLetterReasons();
  /** Events committed per tenant, for the top tenants' series (bounded however many tenants write). */
  public final TopTenants tenants = new TopTenants(TENANTS_TRACKED);
  /** Tenants counted in {@link #tenants}: far more than any top-N asked for, so its counts are near exact. */
  public static final int TENANTS_TRACKED = 1000;

  public void duplicates(Map<String, Integer> byTable) {
    byTable.forEach((table, n) -> {
      duplicatesByTable.computeIfAbsent(table, t -> new LongAdder()).add(n);
      duplicatesDropped.add(n);
    });
  }

  /** Per raw table, the duplicates dropped so far. */
  public Map<String, Long> duplicatesByTable() {
    Map<String, Long> out = new java.util.TreeMap<>();
    duplicatesByTable.forEach((t, n) -> out.put(t, n.sum()));
    return out;
  }

  public void lag(String stream, String shardId, long millisBehindLatest) {
    millisBehind.put(stream + "/" + shardId, millisBehindLatest);
  }

  /** A shard's answer: its lag and the records it brought. */
  public void read(String stream, String shardId, long millisBehindLatest, int records) {
    lag(stream, shardId, millisBehindLatest);
    recordsByShard.computeIfAbsent(stream + "/" + shardId, k -> new LongAdder()).add(records);
    recordsRead.add(records);
  }

  /** Per shard ({@code stream/shardId}), the records read so far. */
  public Map<String, Long> recordsByShard() {
    Map<String, Long> out = new java.util.TreeMap<>();
    recordsByShard.forEach((k, n) -> out.put(k, n.sum()));
    return out;
  }

  /** Per shard ({@code stream/shardId}), the MillisBehindLatest of its last answer. */
  public Map<String, Long> lagByShard() {
    return Map.copyOf(millisBehind);
  }

  public long maxLagMillis() {
    return millisBehind.values().stream().mapToLong(Long::longValue).max().orElse(0);
  }
}
