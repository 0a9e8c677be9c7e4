package io.tenantlake.engine.dedup;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code tenantlake.ingest.dedup}: how raw tables drop an event whose {@code event_id} they already
 * hold for its tenant.
 *
 * @param window how far back (by {@code ingested_at}, rounded up to whole UTC days) an earlier copy
 *     makes an event a duplicate
 * @param falsePositiveRate the target rate of each Bloom filter block; a hit is always checked
 *     exactly, so this trades memory against exact checks, never correctness
 * @param maxMemoryBytes the filters of all tenants together; past it the least recently used tenants'
 *     filters are dropped and rebuilt from raw when that tenant is seen again
 * @param recentIds exact ids (with their content fingerprints) remembered across tables: a retry
 *     within the last {@code recentIds} events is decided without reading any file
 */
public record DedupSettings(boolean enabled, Duration window, double falsePositiveRate, long maxMemoryBytes,
    int recentIds) {

  public DedupSettings {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("tenantlake.ingest.dedup.window must be positive, got " + window);
    }
    if (!(falsePositiveRate > 0 && falsePositiveRate < 0.5)) {
      throw new IllegalArgumentException("tenantlake.ingest.dedup.false-positive-rate must be in (0, 0.5), got "
          + falsePositiveRate);
    }
    if (maxMemoryBytes < 1 << 20) {
      throw new IllegalArgumentException("tenantlake.ingest.dedup.max-memory must be at least 1 MiB, got " + maxMemoryBytes);
    }
    if (recentIds < 0) throw new IllegalArgumentException("tenantlake.ingest.dedup.recent-ids must be >= 0");
  }

  public static DedupSettings defaults() {
    return new DedupSettings(true, Duration.ofDays(7), 1e-6, 256L << 20, 200_000);
  }

  public static DedupSettings disabled() {
    return new DedupSettings(false, Duration.ofDays(7), 1e-6, 256L << 20, 0);
  }

  public static DedupSettings fromConfig(Config c) {
    return new DedupSettings(c.getBoolean("enabled"), c.getDuration("window"), c.getDouble("false-positive-rate"),
        c.getBytes("max-memory"), c.getInt("recent-ids"));
  }

  /** Whole UTC days the window spans, the current day included. */
  public int windowDays() {
    return (int) Math.max(1, (window.toSeconds() + 86_399) / 86_400);
  }
}
