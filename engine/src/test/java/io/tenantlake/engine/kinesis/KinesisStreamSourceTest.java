package io.tenantlake.engine.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.testkit.LocalKinesis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.japi.Pair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** The source against the real emulator (kinesalite): every record once, per-key order, resharding. */
class KinesisStreamSourceTest {
  static LocalKinesis kinesis;
  static ActorSystem system;
  static KinesisAsyncClient async;
  static KinesisClient sync;
  static final KinesisSourceSettings SETTINGS = KinesisSourceSettings.defaults().withDiscoveryInterval(Duration.ofMillis(300));

  @BeforeAll
  static void start() {
    kinesis = LocalKinesis.start();
    system = ActorSystem.create("kinesis-source-test");
    async = kinesis.asyncClient();
    sync = kinesis.client();
  }

  @AfterAll
  static void stop() {
    if (system != null) system.terminate();
    if (kinesis != null) kinesis.close();
  }

  static void put(String stream, int from, int to, int keys) {
    for (int start = from; start < to; start += 500) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i = start; i < Math.min(to, start + 500); i++) {
        String key = "key-" + (i % keys);
        entries.add(PutRecordsRequestEntry.builder().partitionKey(key)
            .data(SdkBytes.fromString(key + ":" + i, StandardCharsets.UTF_8)).build());
      }
      var resp = sync.putRecords(b -> b.streamName(stream).records(entries));
      assertThat(resp.failedRecordCount()).isZero();
    }
  }

  /** Reads until {@code expected} records arrived; returns them in arrival order. */
  static List<Record> read(String stream, Map<String, String> resume, int expected) throws Exception {
    Pair<UniqueKillSwitch, java.util.concurrent.CompletionStage<List<Record>>> run =
        KinesisStreamSource.create(async, stream, resume, SETTINGS)
            .mapConcat(ShardBatch::records)
            .viaMat(KillSwitches.single(), Keep.right())
            .take(expected)
            .completionTimeout(Duration.ofSeconds(60))
            .toMat(Sink.seq(), Keep.both())
            .run(system);
    try {
      return run.second().toCompletableFuture().get(70, TimeUnit.SECONDS);
    } finally {
      run.first().shutdown();
    }
  }

  static void assertEachKeyInOrderOnce(List<Record> records, int total) {
    Map<String, Integer> lastPerKey = new HashMap<>();
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (Record r : records) {
      String[] parts = r.data().asUtf8String().split(":");
      int n = Integer.parseInt(parts[1]);
      assertThat(seen.add(n)).as("record %d once", n).isTrue();
      Integer prev = lastPerKey.put(parts[0], n);
      if (prev != null) assertThat(n).as("order of %s", parts[0]).isGreaterThan(prev);
    }
    assertThat(seen).hasSize(total);
  }

  @Test
  void readsEveryRecordOfEveryShardInKeyOrderAndResumesAfterAPosition() throws Exception {
    kinesis.createStream("src-basic", 3);
    put("src-basic", 0, 3000, 40);
    List<Record> all = read("src-basic", Map.of(), 3000);
    assertEachKeyInOrderOnce(all, 3000);

    // Resume one shard after its 10th record: it yields only what follows.
    Record tenth = all.stream().filter(r -> shardOf("src-basic", r).equals(firstShard("src-basic"))).skip(9).findFirst().orElseThrow();
    long inShard = all.stream().filter(r -> shardOf("src-basic", r).equals(firstShard("src-basic"))).count();
    Map<String, String> resume = Map.of(firstShard("src-basic"), tenth.sequenceNumber());
    List<Record> again = read("src-basic", resume, (int) (3000 - 10));
    assertThat(again).extracting(Record::sequenceNumber).doesNotContain(tenth.sequenceNumber());
    assertThat(inShard).isGreaterThan(10);
  }

  @Test
  void aShardSplitDuringReadingLosesNothingAndKeepsEachKeysOrder() throws Exception {
    kinesis.createStream("src-split", 1);
    put("src-split", 0, 1000, 25);
    Shard parent = sync.listShards(b -> b.streamName("src-split")).shards().get(0);
    String middle = new java.math.BigInteger(parent.hashKeyRange().endingHashKey()).shiftRight(1).toString();
    sync.splitShard(b -> b.streamName("src-split").shardToSplit(parent.shardId()).newStartingHashKey(middle));
    kinesis.awaitStatus("src-split", StreamStatus.ACTIVE, Duration.ofSeconds(10));
    put("src-split", 1000, 2000, 25);
    assertThat(sync.listShards(b -> b.streamName("src-split")).shards()).hasSize(3);

    List<Record> all = read("src-split", Map.of(), 2000);
    assertEachKeyInOrderOnce(all, 2000);
  }

  private static String firstShard(String stream) {
    return sync.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
  }

  private static final Map<String, String> SHARD_OF = new java.util.concurrent.ConcurrentHashMap<>();

  private static String shardOf(String stream, Record r) {
    // Sequence numbers do not name their shard: ask the stream which shard holds the record's key.
    return SHARD_OF.computeIfAbsent(r.partitionKey(), k -> {
      java.math.BigInteger hash = new java.math.BigInteger(1, md5(k));
      for (Shard s : sync.listShards(b -> b.streamName(stream)).shards()) {
        if (hash.compareTo(new java.math.BigInteger(s.hashKeyRange().startingHashKey())) >= 0
            && hash.compareTo(new java.math.BigInteger(s.hashKeyRange().endingHashKey())) <= 0) return s.shardId();
      }
      throw new IllegalStateException("no shard for " + k);
    });
  }

  private static byte[] md5(String s) {
    try {
      return java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
