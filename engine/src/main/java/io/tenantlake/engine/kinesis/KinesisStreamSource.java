package io.tenantlake.engine.kinesis;

import io.tenantlake.engine.event.HashRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Every shard of a stream as one source: shards are listed periodically (ListShards), each open
 * or unread shard gets its own {@link KinesisShardSource}, and a shard born of a split or merge
 * starts only once its parents are read to their end, so one entity's events keep their order.
 * Each shard reader restarts with backoff after a failure, from the last record it delivered.
 */
public final class KinesisStreamSource {
  private static final Logger log = LoggerFactory.getLogger(KinesisStreamSource.class);

  private KinesisStreamSource() {}

  /**
   * @param resumeAfter per shard id, the sequence number to resume after (from the checkpoints);
   *     shards not in it are read from their oldest record
   */
  public static Source<ShardBatch, NotUsed> create(KinesisAsyncClient client, String stream,
      Map<String, String> resumeAfter, KinesisSourceSettings settings) {
    Set<String> started = ConcurrentHashMap.newKeySet();
    Set<String> finished = ConcurrentHashMap.newKeySet();
    Source<Shard, NotUsed> discovered = Source.tick(Duration.ZERO, settings.discoveryInterval(), "tick")
        .mapMaterializedValue(c -> NotUsed.getInstance())
        .mapAsync(1, t -> listShards(client, stream).exceptionally(err -> {
          log.warn("stream {}: listing shards failed ({}); retrying at the next discovery", stream, err.getMessage());
          return List.of();
        }))
        .mapConcat(shards -> eligible(stream, shards, started, finished));
    return discovered.flatMapMerge(settings.maxShards(), shard -> shardSource(client, stream, shard.shardId(),
        resumeAfter.get(shard.shardId()), settings, finished)
        .map(batch -> shard.hashKeyRange() == null ? batch : batch.withHashRange(
            HashRange.of(shard.hashKeyRange().startingHashKey(), shard.hashKeyRange().endingHashKey()))));
  }

  /** Shards not started yet whose parents are finished or gone (expired from the stream). */
  static List<Shard> eligible(String stream, List<Shard> shards, Set<String> started, Set<String> finished) {
    Set<String> listed = new HashSet<>();
    shards.forEach(s -> listed.add(s.shardId()));
    List<Shard> ready = new ArrayList<>();
    for (Shard s : shards) {
      if (started.contains(s.shardId())) continue;
      if (!parentDone(s.parentShardId(), listed, finished) || !parentDone(s.adjacentParentShardId(), listed, finished)) continue;
      started.add(s.shardId());
      log.info("stream {}: reading shard {} (parents {}, {})", stream, s.shardId(), s.parentShardId(), s.adjacentParentShardId());
      ready.add(s);
    }
    return ready;
  }

  private static boolean parentDone(String parent, Set<String> listed, Set<String> finished) {
    return parent == null || !listed.contains(parent) || finished.contains(parent);
  }

  private static Source<ShardBatch, NotUsed> shardSource(KinesisAsyncClient client, String stream, String shardId,
      String resumeAfter, KinesisSourceSettings settings, Set<String> finished) {
    AtomicReference<String> last = new AtomicReference<>(resumeAfter);
    RestartSettings restart = RestartSettings.create(settings.minBackoff(), settings.maxBackoff(), 0.2);
    return RestartSource.onFailuresWithBackoff(restart, () ->
            Source.fromGraph(new KinesisShardSource(client, stream, shardId, last.get(), settings)))
        .map(batch -> {
          last.set(batch.lastSequenceNumber());
          return batch;
        })
        .watchTermination((mat, done) -> {
          done.thenRun(() -> finished.add(shardId));
          return mat;
        });
  }

  static CompletionStage<List<Shard>> listShards(KinesisAsyncClient client, String stream) {
    List<Shard> all = new ArrayList<>();
    return page(client, stream, null, all).thenApply(v -> all);
  }

  private static CompletableFuture<Void> page(KinesisAsyncClient client, String stream, String token, List<Shard> into) {
    CompletableFuture<ListShardsResponse> call = token == null
        ? client.listShards(b -> b.streamName(stream))
        : client.listShards(b -> b.nextToken(token));
    return call.thenCompose(resp -> {
      into.addAll(resp.shards());
      return resp.nextToken() == null ? CompletableFuture.completedFuture(null) : page(client, stream, resp.nextToken(), into);
    });
  }
}
