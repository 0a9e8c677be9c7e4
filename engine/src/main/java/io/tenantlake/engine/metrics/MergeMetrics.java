package io.tenantlake.engine.metrics;

import java.util.concurrent.atomic.LongAdder;

/** What the refined merges of one table did since the node started. */
public final class MergeMetrics {
  public final LongAdder commits = new LongAdder();
  /** Merges found already committed (a retry after a crash): nothing changed. */
  public final LongAdder alreadyCommitted = new LongAdder();
  public final LongAdder entitiesApplied = new LongAdder();
  public final LongAdder rowsWritten = new LongAdder();
  public final LongAdder rowsCopied = new LongAdder();
  public final LongAdder filesRead = new LongAdder();
  public final LongAdder filesAdded = new LongAdder();
  public final LongAdder filesRemoved = new LongAdder();
  public final DurationHistogram duration = new DurationHistogram(DurationHistogram.COMMIT_SECONDS);
}
