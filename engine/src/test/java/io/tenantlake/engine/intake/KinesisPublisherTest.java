package io.tenantlake.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.testkit.LocalKinesis;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** The publisher against the real emulator (kinesalite), and its failure paths. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KinesisPublisherTest {
  static LocalKinesis kinesis;
  static KinesisClient sync;
  static final PublishPolicy FAST = new PublishPolicy(5, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(20));

  @BeforeAll
  static void start() {
    kinesis = LocalKinesis.start();
    sync = kinesis.client();
  }

  @AfterAll
  static void stop() {
    if (kinesis != null) kinesis.close();
  }

  static ChangeEvent issue(String tenant, String id, long version, int descriptionBytes) {
    return ChangeEvent.newBuilder().setEventId("e-" + tenant + "-" + id + "-" + version).setTenantId(tenant)
        .setEntityType("jira.issue").setEntityId(id).setOp(version == 1 ? Op.OP_CREATED : Op.OP_UPDATED)
        .setVersion(version)
        .setPayload(Any.pack(Issue.newBuilder().setKey(id).setDescription("x".repeat(descriptionBytes)).build()))
        .build();
  }

  static ChangeEvent user(String tenant, String id, long version) {
    return ChangeEvent.newBuilder().setEventId("u-" + tenant + "-" + id + "-" + version).setTenantId(tenant)
        .setEntityType("identity.user").setEntityId(id).setOp(Op.OP_UPDATED).setVersion(version)
        .setPayload(Any.pack(User.newBuilder().setDisplayName("user " + id).build())).build();
  }

  /** Every record of every shard of the stream, per shard in sequence order. */
  static Map<String, List<Record>> readAll(String stream) {
    return readAll(sync, stream);
  }

  static Map<String, List<Record>> readAll(KinesisClient sync, String stream) {
    Map<String, List<Record>> byShard = new HashMap<>();
    for (Shard shard : sync.listShards(b -> b.streamName(stream)).shards()) {
      String it = sync.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      List<Record> records = new ArrayList<>();
      while (it != null) {
        String current = it;
        GetRecordsResponse r = sync.getRecords(b -> b.shardIterator(current).limit(10_000));
        records.addAll(r.records());
        if (r.records().isEmpty()) break;
        it = r.nextShardIterator();
      }
      byShard.put(shard.shardId(), records);
    }
    return byShard;
  }

  static List<PublishResult> publish(KinesisPublisher publisher, List<ChangeEvent> events) throws Exception {
    return publisher.publish(events).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void publishesEveryEventToItsDomainStreamKeyedByEntityInOrder() throws Exception {
    kinesis.createStream("tenantlake-jira", 3);
    kinesis.createStream("tenantlake-identity", 2);
    KinesisPublisher publisher = new KinesisPublisher(kinesis.asyncClient(), EntityTypeRegistry.defaults(), FAST);
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      // 1,200 events: more than two calls' worth for jira; 40 entities with 30 versions each
      events.add(i % 4 == 3 ? user("t-" + (i % 3), "u" + (i % 7), i + 1) : issue("t-" + (i % 3), "I-" + (i % 40), i + 1, 50));
    }
    List<PublishResult> results = publish(publisher, events);

    assertThat(results).hasSize(events.size()).allMatch(PublishResult::acknowledged);
    Map<String, ChangeEvent> bySequence = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      var ack = (PublishResult.Acknowledged) results.get(i);
      assertThat(ack.stream()).isEqualTo(events.get(i).getEntityType().startsWith("jira") ? "tenantlake-jira" : "tenantlake-identity");
      bySequence.put(ack.stream() + "/" + ack.shardId() + "/" + ack.sequenceNumber(), events.get(i));
    }
    int seen = 0;
    for (String stream : List.of("tenantlake-jira", "tenantlake-identity")) {
      for (var shard : readAll(stream).entrySet()) {
        Map<String, Long> lastVersion = new HashMap<>();
        for (Record r : shard.getValue()) {
          ChangeEvent read = ChangeEvent.parseFrom(r.data().asByteArray());
          assertThat(bySequence.get(stream + "/" + shard.getKey() + "/" + r.sequenceNumber())).isEqualTo(read);
          assertThat(r.partitionKey()).isEqualTo(read.getTenantId() + "/" + read.getEntityType() + "/" + read.getEntityId());
          Long previous = lastVersion.put(r.partitionKey(), read.getVersion());
          if (previous != null) assertThat(read.getVersion()).as("order of %s", r.partitionKey()).isGreaterThan(previous);
          seen++;
        }
      }
    }
    assertThat(seen).isEqualTo(events.size());
  }

  @Test
  void splitsCallsAtFiveMebibytesAndRefusesARecordOverOneMebibyte() throws Exception {
    kinesis.createStream("tenantlake-jira", 3);
    List<Integer> callSizes = new ArrayList<>();
    KinesisAsyncClient real = kinesis.asyncClient();
    KinesisAsyncClient counting = new FakeKinesis(request -> {
      callSizes.add(request.records().size());
      return real.putRecords(request);
    });
    KinesisPublisher publisher = new KinesisPublisher(counting, EntityTypeRegistry.defaults(), FAST);
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < 12; i++) events.add(issue("big", "B-" + i, 1, 900 * 1024));
    events.add(6, issue("big", "too-big", 1, 1024 * 1024));

    List<PublishResult> results = publish(publisher, events);

    assertThat(results.get(6)).isInstanceOfSatisfying(PublishResult.Failed.class, f -> {
      assertThat(f.permanent()).isTrue();
      assertThat(f.reason()).contains("at most 1048576 fit");
    });
    assertThat(results).filteredOn(PublishResult::acknowledged).hasSize(12);
    assertThat(callSizes).containsExactly(5, 5, 2); // 900 KiB records: five per 5 MiB call
  }

  @Test
  void longPartitionKeysAreHashedDeterministically() {
    ChangeEvent e = issue("t", "i".repeat(256), 1, 1);
    String key = KinesisPublisher.partitionKey(e);
    assertThat(key).hasSizeLessThanOrEqualTo(256).startsWith("t/jira.issue/#");
    assertThat(KinesisPublisher.partitionKey(issue("t", "i".repeat(256), 2, 9))).isEqualTo(key);
    assertThat(KinesisPublisher.partitionKey(issue("t", "I-1", 1, 1))).isEqualTo("t/jira.issue/I-1");
  }

  @Test
  void anUnknownStreamFailsAtOnceWithoutRetrying() throws Exception {
    KinesisPublisher publisher = new KinesisPublisher(kinesis.asyncClient(), type -> Optional.of("no-such-stream"),
        FAST.withDeadline(Duration.ofSeconds(30)));
    long start = System.nanoTime();
    List<PublishResult> results = publish(publisher, List.of(issue("t", "a", 1, 1), issue("t", "b", 1, 1)));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(PublishResult.Failed.class, f -> {
      assertThat(f.permanent()).isFalse();
      assertThat(f.reason()).isEqualTo("stream no-such-stream does not exist");
    }));
  }

  @Test
  void aClosedServerFailsEveryEventByTheDeadline() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: connections are refused
    }
    KinesisAsyncClient closed = kinesis.asyncClientBuilder()
        .endpointOverride(java.net.URI.create("http://127.0.0.1:" + port)).build();
    try {
      KinesisPublisher publisher = new KinesisPublisher(closed, EntityTypeRegistry.defaults(),
          new PublishPolicy(100, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMillis(1500)));
      long start = System.nanoTime();
      List<PublishResult> results = publish(publisher, List.of(issue("t", "a", 1, 1), user("t", "u", 1)));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isLessThan(Duration.ofSeconds(4));
      assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(PublishResult.Failed.class, f -> {
        assertThat(f.permanent()).isFalse();
        assertThat(f.reason()).startsWith("not acknowledged by Kinesis within 1500 ms; last error: ");
      }));
    } finally {
      closed.close();
    }
  }
}
