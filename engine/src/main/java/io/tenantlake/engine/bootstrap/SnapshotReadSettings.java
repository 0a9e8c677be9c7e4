package io.tenantlake.engine.bootstrap;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.stream.RestartSettings;

/**
 * How snapshots are read ({@code tenantlake.bootstrap}): the largest record accepted (a protobuf
 * record's length, an NDJSON line's), and how an object is re-opened after a transient S3 failure.
 *
 * @param maxRecordSize bytes; a larger protobuf length ends its object, a longer line is a problem
 * @param minBackoff first pause before re-opening an object
 * @param maxBackoff longest pause (the pause doubles per failure in a row)
 * @param randomFactor jitter added to pauses (0.2 = up to 20% more)
 * @param maxRetries re-opens of one object in a row before the read fails
 * @param retryWindow a read that lasts this long without failing starts the count of retries over
 */
public record SnapshotReadSettings(int maxRecordSize, Duration minBackoff, Duration maxBackoff, double randomFactor,
    int maxRetries, Duration retryWindow) {

  public SnapshotReadSettings {
    if (maxRecordSize < 1) throw new IllegalArgumentException("max-record-size must be > 0, got " + maxRecordSize);
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("retry backoff must satisfy 0 < min-backoff <= max-backoff");
    }
    if (randomFactor < 0 || randomFactor > 1) throw new IllegalArgumentException("random-factor must be 0..1, got " + randomFactor);
    if (maxRetries < 0) throw new IllegalArgumentException("max-retries must be >= 0, got " + maxRetries);
    if (retryWindow.isNegative() || retryWindow.isZero()) throw new IllegalArgumentException("retry window must be > 0");
  }

  public static SnapshotReadSettings defaults() {
    return new SnapshotReadSettings(4 * 1024 * 1024, Duration.ofMillis(500), Duration.ofSeconds(30), 0.2, 10,
        Duration.ofMinutes(5));
  }

  /** From the {@code tenantlake.bootstrap} block. */
  public static SnapshotReadSettings fromConfig(Config c) {
    long max = c.getBytes("max-record-size");
    // Records become byte arrays: stay well below the largest array.
    if (max > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("max-record-size must be < 2 GiB, got " + max);
    return new SnapshotReadSettings((int) max, c.getDuration("retry.min-backoff"), c.getDuration("retry.max-backoff"),
        c.getDouble("retry.random-factor"), c.getInt("retry.max-retries"), c.getDuration("retry.window"));
  }

  public SnapshotReadSettings withMaxRecordSize(int bytes) {
    return new SnapshotReadSettings(bytes, minBackoff, maxBackoff, randomFactor, maxRetries, retryWindow);
  }

  public SnapshotReadSettings withBackoff(Duration min, Duration max, int retries) {
    return new SnapshotReadSettings(maxRecordSize, min, max, randomFactor, retries, retryWindow);
  }

  RestartSettings restartSettings() {
    return RestartSettings.create(minBackoff, maxBackoff, randomFactor).withMaxRestarts(maxRetries, retryWindow);
  }
}
