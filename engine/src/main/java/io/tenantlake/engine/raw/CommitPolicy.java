package io.tenantlake.engine.raw;

import java.time.Duration;

/**
 * When the raw writer commits: after {@code maxRecords} records or {@code maxBytes} of payload,
 * or {@code maxAge} after the first record of a batch, whichever comes first. Bigger batches mean
 * fewer files and log entries; a shorter age means fresher tables.
 */
public record CommitPolicy(int maxRecords, long maxBytes, Duration maxAge, long targetFileBytes) {
  public CommitPolicy {
    if (maxRecords < 1) throw new IllegalArgumentException("maxRecords must be >= 1");
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be >= 1");
    if (maxAge.isNegative() || maxAge.isZero()) throw new IllegalArgumentException("maxAge must be > 0");
    if (targetFileBytes < 1 << 20) throw new IllegalArgumentException("targetFileBytes must be >= 1 MiB");
  }

  public static CommitPolicy defaults() {
    return new CommitPolicy(50_000, 64L << 20, Duration.ofSeconds(1), 128L << 20);
  }

  public static CommitPolicy fromConfig(com.typesafe.config.Config c) {
    return new CommitPolicy(c.getInt("max-records"), c.getBytes("max-bytes"), c.getDuration("max-age"),
        c.getBytes("target-file-size"));
  }
}
