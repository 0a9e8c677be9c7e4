package io.tenantlake.engine.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram of durations (or ages) with fixed bucket bounds, safe to update from any thread
 * without a lock. Engine code records into it without knowing how it is exported; the node's
 * metrics endpoint reads {@link #snapshot()} at scrape time. Bounds are in seconds, as Prometheus
 * names them; observations are in milliseconds, as the code measures them.
 */
public final class DurationHistogram {
  /** 5 ms to 2 min: raw and refined commits. */
  public static final double[] COMMIT_SECONDS =
      {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
  /** 50 ms to 1 h: how old an event is when it becomes visible. */
  public static final double[] FRESHNESS_SECONDS =
      {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};

  private final double[] bounds;
  /** One per bound, plus the last for everything above the highest bound (+Inf). */
  private final LongAdder[] buckets;
  private final LongAdder sumMillis = new LongAdder();

  public DurationHistogram(double[] boundsSeconds) {
    if (boundsSeconds.length == 0) throw new IllegalArgumentException("a histogram needs at least one bound");
    for (int i = 0; i < boundsSeconds.length; i++) {
      if (!(boundsSeconds[i] > 0) || Double.isInfinite(boundsSeconds[i])
          || (i > 0 && boundsSeconds[i] <= boundsSeconds[i - 1])) {
        throw new IllegalArgumentException("bounds must be finite, positive and rising: " + Arrays.toString(boundsSeconds));
      }
    }
    this.bounds = boundsSeconds.clone();
    this.buckets = new LongAdder[bounds.length + 1];
    for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
  }

  /** Records one observation; a negative one (clocks apart) counts as zero. */
  public void observeMillis(long millis) {
    long m = Math.max(0, millis);
    double seconds = m / 1000.0;
    int i = Arrays.binarySearch(bounds, seconds);
    // an exact hit belongs to its bucket (upper bounds are inclusive); else the insertion point
    buckets[i >= 0 ? i : -i - 1].increment();
    sumMillis.add(m);
  }

  /**
   * A copy of the counts. The count is the sum of the buckets taken here, so the snapshot is
   * consistent in itself even while others record; the sum may lag a concurrent observation.
   */
  public Snapshot snapshot() {
    long[] counts = new long[buckets.length];
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      counts[i] = buckets[i].sum();
      total += counts[i];
    }
    return new Snapshot(bounds.clone(), counts, total, sumMillis.sum() / 1000.0);
  }

  /**
   * @param bounds the finite upper bounds in seconds
   * @param counts observations per bucket, not cumulative; one more than {@code bounds} (the last is +Inf)
   */
  public record Snapshot(double[] bounds, long[] counts, long count, double sumSeconds) {}
}
