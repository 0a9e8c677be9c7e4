package io.tenantlake.engine.intake;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The publisher's cache of {@link ShardMap}s, one per stream: loaded on first use, reloaded once
 * older than the maximum age or when a put showed it stale. Concurrent callers share one load; a
 * failed load is not cached, so the next publish tries again.
 */
final class ShardMaps {
  private static final Logger log = LoggerFactory.getLogger(ShardMaps.class);

  private final KinesisAsyncClient kinesis;
  private final long maxAgeNanos;
  private final Map<String, CompletableFuture<ShardMap>> maps = new ConcurrentHashMap<>();

  ShardMaps(KinesisAsyncClient kinesis, Duration maxAge) {
    this.kinesis = kinesis;
    this.maxAgeNanos = maxAge.toNanos();
  }

  /** The stream's map, loading it if there is none, it failed, or it is too old. */
  CompletableFuture<ShardMap> get(String stream) {
    return maps.compute(stream, (s, current) -> fresh(current) ? current : load(s));
  }

  /** Drops the map if it is still the one the caller saw stale (a newer one stays). */
  void stale(ShardMap seen, String why) {
    CompletableFuture<ShardMap> current = maps.get(seen.stream());
    if (current != null && current.isDone() && !current.isCompletedExceptionally() && current.join() == seen
        && maps.remove(seen.stream(), current)) {
      log.info("stream {}: shard map {} is stale ({}); reloading it for the next publish", seen.stream(), seen, why);
    }
  }

  private boolean fresh(CompletableFuture<ShardMap> f) {
    if (f == null || f.isCompletedExceptionally()) return false;
    if (!f.isDone()) return true;
    return System.nanoTime() - f.join().loadedAtNanos() < maxAgeNanos;
  }

  private CompletableFuture<ShardMap> load(String stream) {
    return ShardMap.load(kinesis, stream).whenComplete((map, err) -> {
      if (err != null) log.warn("stream {}: cannot list its shards ({}); publishing one event per record until it can", stream, err.toString());
      else log.debug("stream {}: {}", stream, map);
    });
  }
}
