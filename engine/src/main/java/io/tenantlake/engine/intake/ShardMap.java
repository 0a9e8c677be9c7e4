package io.tenantlake.engine.intake;

import io.tenantlake.engine.event.HashRange;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The open shards of a stream and their hash-key ranges, as ListShards reported them at
 * {@code loadedAtNanos}: tells which shard Kinesis puts a partition key on (the MD5 of the key as
 * an unsigned 128-bit number, the same rule Kinesis applies). Immutable; may be stale after a
 * reshard, which {@link KinesisPublisher} notices from the shard ids PutRecords answers with.
 */
public final class ShardMap {
  /** One open shard: its id and inclusive hash-key range. */
  public record Range(String shardId, HashRange hashes) {
    public boolean contains(BigInteger hashKey) {
      return hashes.contains(hashKey);
    }
  }

  private final String stream;
  private final List<Range> open; // sorted by start
  private final Map<String, Range> all; // open and closed, by shard id
  private final long loadedAtNanos;

  public ShardMap(String stream, List<Range> open, long loadedAtNanos) {
    this(stream, open, open, loadedAtNanos);
  }

  private ShardMap(String stream, List<Range> open, List<Range> all, long loadedAtNanos) {
    this.stream = stream;
    this.open = open.stream().sorted(Comparator.comparing(r -> r.hashes().start())).toList();
    this.all = all.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Range::shardId, r -> r));
    this.loadedAtNanos = loadedAtNanos;
  }

  /** Every shard of the stream (all pages), keeping the open ones. */
  public static CompletableFuture<ShardMap> load(KinesisAsyncClient kinesis, String stream) {
    return page(kinesis, ListShardsRequest.builder().streamName(stream).build(), new ArrayList<>())
        .thenApply(shards -> new ShardMap(stream,
            shards.stream().filter(s -> s.sequenceNumberRange() == null || s.sequenceNumberRange().endingSequenceNumber() == null)
                .map(ShardMap::range).toList(),
            shards.stream().map(ShardMap::range).toList(), System.nanoTime()));
  }

  private static Range range(Shard s) {
    return new Range(s.shardId(), HashRange.of(s.hashKeyRange().startingHashKey(), s.hashKeyRange().endingHashKey()));
  }

  private static CompletableFuture<List<Shard>> page(KinesisAsyncClient kinesis, ListShardsRequest request, List<Shard> into) {
    return kinesis.listShards(request).thenCompose((ListShardsResponse r) -> {
      into.addAll(r.shards());
      if (r.nextToken() == null) return CompletableFuture.completedFuture(into);
      return page(kinesis, ListShardsRequest.builder().nextToken(r.nextToken()).build(), into);
    });
  }

  public String stream() {
    return stream;
  }

  public long loadedAtNanos() {
    return loadedAtNanos;
  }

  /** The open shard whose range holds the hash key, if the map has one. */
  public Optional<Range> shardOf(BigInteger hashKey) {
    // Few shards per stream: a scan is as fast as a search and plainer.
    for (Range r : open) {
      if (r.contains(hashKey)) return Optional.of(r);
    }
    return Optional.empty();
  }

  /** Any listed shard's range, open or closed. */
  public Optional<Range> rangeOf(String shardId) {
    return Optional.ofNullable(all.get(shardId));
  }

  /** Kinesis's hash key of a partition key: MD5 of its UTF-8 bytes, unsigned. */
  public static BigInteger hashKey(String partitionKey) {
    return new BigInteger(1, MD5.get().digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
  }

  // Looking a digest up by name on every event costs more than the digest itself.
  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  @Override
  public String toString() {
    return "ShardMap[" + stream + ": " + open.stream().map(Range::shardId).toList() + "]";
  }
}
