package io.tenantlake.engine.kinesis;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How the Kinesis source reads: records per GetRecords (at most 10,000), the pause after an empty
 * answer, how often shards are listed (new streams' shards, resharding), and the backoff when the
 * service throttles or fails.
 */
public record KinesisSourceSettings(int limit, Duration idlePoll, Duration discoveryInterval,
    Duration minBackoff, Duration maxBackoff, int maxShards) {

  public KinesisSourceSettings {
    if (limit < 1 || limit > 10_000) throw new IllegalArgumentException("limit must be 1..10000, got " + limit);
    if (idlePoll.isNegative()) throw new IllegalArgumentException("idle-poll must be >= 0");
    if (discoveryInterval.isNegative() || discoveryInterval.isZero()) {
      throw new IllegalArgumentException("discovery-interval must be > 0");
    }
    if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= min <= max");
    }
    if (maxShards < 1) throw new IllegalArgumentException("max-shards must be >= 1");
  }

  public static KinesisSourceSettings defaults() {
    return new KinesisSourceSettings(10_000, Duration.ofMillis(200), Duration.ofSeconds(10),
        Duration.ofMillis(200), Duration.ofSeconds(10), 1024);
  }

  public static KinesisSourceSettings fromConfig(Config c) {
    return new KinesisSourceSettings(c.getInt("limit"), c.getDuration("idle-poll"), c.getDuration("discovery-interval"),
        c.getDuration("min-backoff"), c.getDuration("max-backoff"), c.getInt("max-shards"));
  }

  public KinesisSourceSettings withDiscoveryInterval(Duration d) {
    return new KinesisSourceSettings(limit, idlePoll, d, minBackoff, maxBackoff, maxShards);
  }
}
