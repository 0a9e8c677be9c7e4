package io.tenantlake.engine.intake;

import static io.tenantlake.engine.intake.KinesisPublisherTest.issue;
import static io.tenantlake.engine.intake.KinesisPublisherTest.publish;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.event.EventRecords;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.testkit.LocalKinesis;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** Packing against the real emulator: what lands on each shard, and a reshard under a cached map. */
class KinesisPublisherPackingTest {
  static LocalKinesis kinesis;
  static KinesisClient sync;
  static final PublishPolicy FAST = new PublishPolicy(5, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(20));
  static final RecordPacking PACKING = new RecordPacking(100, 48 * 1024, Duration.ofMinutes(10));

  @BeforeAll
  static void start() {
    kinesis = LocalKinesis.start();
    sync = kinesis.client();
  }

  @AfterAll
  static void stop() {
    if (kinesis != null) kinesis.close();
  }

  /** A record's events, as the engine will see them: one for a plain record. */
  static List<ChangeEvent> eventsOf(Record r) throws Exception {
    byte[] data = r.data().asByteArray();
    List<ChangeEvent> out = new ArrayList<>();
    if (!EventRecords.isPacked(data)) return List.of(ChangeEvent.parseFrom(data));
    for (byte[] e : EventRecords.unpack(data)) out.add(ChangeEvent.parseFrom(e));
    return out;
  }

  static Map<String, Shard> shards(String stream) {
    Map<String, Shard> out = new HashMap<>();
    for (Shard s : sync.listShards(b -> b.streamName(stream)).shards()) out.put(s.shardId(), s);
    return out;
  }

  static boolean holds(Shard shard, String partitionKey) {
    BigInteger h = ShardMap.hashKey(partitionKey);
    return h.compareTo(new BigInteger(shard.hashKeyRange().startingHashKey())) >= 0
        && h.compareTo(new BigInteger(shard.hashKeyRange().endingHashKey())) <= 0;
  }

  @Test
  void eventsShareRecordsPerShardEachOnItsOwnKeysShardInOrder() throws Exception {
    kinesis.createStream("tenantlake-jira", 3);
    IntakeMetrics metrics = new IntakeMetrics();
    KinesisPublisher publisher = new KinesisPublisher(kinesis.asyncClient(), EntityTypeRegistry.defaults(), FAST, PACKING,
        metrics);
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < 1500; i++) events.add(issue("t-" + (i % 5), "I-" + (i % 60), i + 1, i % 7 == 0 ? 2_000 : 80));
    events.add(700, issue("t-big", "alone", 1, 60 * 1024)); // larger than max-bytes: travels alone
    // One entity whose middle event travels alone: it must still come after the first.
    events.add(300, issue("t-1", "ORD", 1, 80));
    events.add(301, issue("t-1", "ORD", 2, 60 * 1024));
    events.add(302, issue("t-1", "ORD", 3, 80));

    List<PublishResult> results = publish(publisher, events);
    assertThat(results).allMatch(PublishResult::acknowledged);

    Map<String, Shard> shards = shards("tenantlake-jira");
    int records = 0;
    Set<String> seen = new HashSet<>();
    for (var shard : KinesisPublisherTest.readAll(sync, "tenantlake-jira").entrySet()) {
      Map<String, Long> lastVersion = new HashMap<>();
      for (Record r : shard.getValue()) {
        records++;
        List<ChangeEvent> inRecord = eventsOf(r);
        assertThat(inRecord.size()).isLessThanOrEqualTo(PACKING.maxEvents());
        if (inRecord.size() > 1) assertThat((long) r.data().asByteArray().length).isLessThanOrEqualTo(PACKING.maxBytes());
        for (ChangeEvent e : inRecord) {
          String key = KinesisPublisher.partitionKey(e);
          assertThat(holds(shards.get(shard.getKey()), key)).as("%s on %s", key, shard.getKey()).isTrue();
          Long previous = lastVersion.put(key, e.getVersion());
          if (previous != null) assertThat(e.getVersion()).as("order of %s", key).isGreaterThan(previous);
          assertThat(seen.add(e.getEventId())).isTrue();
          var ack = (PublishResult.Acknowledged) results.get(events.indexOf(e));
          assertThat(ack.shardId() + "@" + ack.sequenceNumber()).isEqualTo(shard.getKey() + "@" + r.sequenceNumber());
        }
      }
    }
    assertThat(seen).hasSize(events.size());
    // 1,504 events in about 3 x 15 packed records plus the ones that travel alone, not 1,504 records
    assertThat(records).isLessThan(100);
    assertThat(metrics.kinesisRecords.sum()).isEqualTo(records);
  }

  @Test
  void afterAReshardEventsPackedByTheStaleMapArePutAgainOnTheShardOfTheirOwnKey() throws Exception {
    kinesis.createStream("tenantlake-identity", 1);
    IntakeMetrics metrics = new IntakeMetrics();
    KinesisPublisher publisher = new KinesisPublisher(kinesis.asyncClient(), t -> java.util.Optional.of("tenantlake-identity"),
        FAST, PACKING, metrics);
    List<ChangeEvent> sent = new ArrayList<>();
    List<PublishResult> results = new ArrayList<>();
    List<ChangeEvent> first = batch(0);
    results.addAll(publish(publisher, first)); // the map now has the one shard
    Shard only = shards("tenantlake-identity").values().iterator().next();
    BigInteger end = new BigInteger(only.hashKeyRange().endingHashKey());
    sync.splitShard(b -> b.streamName("tenantlake-identity").shardToSplit(only.shardId())
        .newStartingHashKey(end.shiftRight(1).toString()));
    kinesis.awaitStatus("tenantlake-identity", StreamStatus.ACTIVE, Duration.ofSeconds(10));

    List<ChangeEvent> stale = batch(1); // packed by the old map: Kinesis puts each record on one child
    results.addAll(publish(publisher, stale));
    List<ChangeEvent> fresh = batch(2);
    results.addAll(publish(publisher, fresh));
    sent.addAll(first);
    sent.addAll(stale);
    sent.addAll(fresh);
    assertThat(results).allMatch(PublishResult::acknowledged);

    // Read as the engine does: a packed event outside the shard it was read from is a misplaced
    // copy and skipped. What remains is every event once, each on the shard of its own key.
    Map<String, Shard> shards = shards("tenantlake-identity");
    Map<String, String> shardOfEvent = new HashMap<>();
    int misplaced = 0;
    for (var shard : KinesisPublisherTest.readAll(sync, "tenantlake-identity").entrySet()) {
      Map<String, Long> lastVersion = new HashMap<>();
      for (Record r : shard.getValue()) {
        boolean packed = EventRecords.isPacked(r.data().asByteArray());
        for (ChangeEvent e : eventsOf(r)) {
          if (!holds(shards.get(shard.getKey()), KinesisPublisher.partitionKey(e))) {
            assertThat(packed).isTrue();
            misplaced++;
            continue;
          }
          assertThat(shardOfEvent.put(e.getEventId(), shard.getKey())).as("%s read twice", e.getEventId()).isNull();
          Long previous = lastVersion.put(KinesisPublisher.partitionKey(e), e.getVersion());
          if (previous != null) assertThat(e.getVersion()).as("order of %s", e.getEntityId()).isGreaterThan(previous);
        }
      }
    }
    assertThat(misplaced).as("the stale map misplaced some events (the test's premise)").isPositive();
    assertThat(metrics.putAgain.sum()).isEqualTo(misplaced);
    assertThat(shardOfEvent).hasSize(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      var ack = (PublishResult.Acknowledged) results.get(i);
      assertThat(ack.shardId()).isEqualTo(shardOfEvent.get(sent.get(i).getEventId()));
    }
  }

  static List<ChangeEvent> batch(int round) {
    List<ChangeEvent> out = new ArrayList<>();
    for (int i = 0; i < 400; i++) out.add(KinesisPublisherTest.user("t-" + (i % 4), "u" + (i % 50), round * 1000L + i + 1));
    return out;
  }
}
