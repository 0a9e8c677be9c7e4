package io.tenantlake.engine.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The refined side's figures, one object per node: it outlives the pipelines (a new one opens each
 * time the node becomes the cluster's writer), so counters keep counting across those restarts.
 * What only a running pipeline knows (its backlog) is read through the supplier the newest
 * pipeline installed.
 */
public final class RefinedMetrics {
  private final Map<String, MergeMetrics> byTable = new ConcurrentHashMap<>();
  /** Event emitted (its {@code emitted_at}) to its refined row committed. */
  public final DurationHistogram freshnessFromEmitted = new DurationHistogram(DurationHistogram.FRESHNESS_SECONDS);
  /** Event decoded by the raw writer ({@code ingested_at}) to its refined row committed. */
  public final DurationHistogram freshnessFromIngested = new DurationHistogram(DurationHistogram.FRESHNESS_SECONDS);
  private final AtomicReference<LongSupplier> backlog = new AtomicReference<>(() -> 0);

  /** The table's figures; tables are the configured models, so the set is small and fixed. */
  public MergeMetrics table(String table) {
    return byTable.computeIfAbsent(table, t -> new MergeMetrics());
  }

  public Map<String, MergeMetrics> tables() {
    return new TreeMap<>(byTable);
  }

  /** The running pipeline's count of raw events committed and not yet merged. */
  public void backlogFrom(LongSupplier waiting) {
    backlog.set(waiting);
  }

  public long backlog() {
    return backlog.get().getAsLong();
  }
}
