package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import io.tenantlake.api.demo.SampleEvents;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.testkit.KernelTableReader;
import java.math.BigInteger;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The replication bus end to end: HTTP intake → Kinesis (kinesalite) → engine in its own JVM →
 * raw Delta tables on S3 (S3Proxy), read back with Delta Kernel.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationBusTest {
  static LocalLake lake;
  static final List<String> TYPES = List.of("jira.issue", "identity.user", "confluence.page");
  // Commits of at most 5,000 events, so that the SIGKILL below lands mid-stream, between commits.
  static final Map<String, String> SMALL_BATCHES = Map.of("tenantlake.ingest.commit.max-records", "5000");

  @BeforeAll
  static void start() throws Exception {
    Path logs = Paths.get("target", "it-logs");
    java.nio.file.Files.createDirectories(logs);
    lake = new LocalLake("region-it", 2, logs);
    lake.startEngine(SMALL_BATCHES);
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  @Test
  @Order(1)
  void hundredThousandEventsPostedInBothEncodingsLandExactlyOnceThroughASigkill() throws Exception {
    SampleEvents sample = new SampleEvents(SampleEvents.tenants(50), TYPES, 2_000, 42);
    List<List<ChangeEvent>> batches = new ArrayList<>();
    for (int b = 0; b < 200; b++) {
      List<ChangeEvent> batch = new ArrayList<>(500);
      for (int i = 0; i < 500; i++) batch.add(sample.next());
      batches.add(batch);
    }
    Set<String> expectedIds = new HashSet<>();
    batches.forEach(batch -> batch.forEach(e -> expectedIds.add(e.getEventId())));

    ExecutorService posters = Executors.newFixedThreadPool(4);
    List<Future<JsonNode>> answers = new ArrayList<>();
    for (int b = 0; b < batches.size(); b++) {
      List<ChangeEvent> batch = batches.get(b);
      boolean protobuf = b % 2 == 0;
      answers.add(posters.submit(() -> lake.post(batch, protobuf)));
      if (b == 100) putGarbageOnTheJiraStream();
    }
    // Crash the engine mid-stream, while the producers still post (the engine keeps up with them),
    // then start it again: it must resume, not repeat.
    lake.awaitRaw(20_000, Duration.ofMinutes(3));
    lake.killEngine();
    long atKill = lake.committedRaw();
    long accepted = 0;
    for (Future<JsonNode> a : answers) accepted += a.get().path("accepted").asLong();
    posters.shutdown();
    assertThat(accepted).isEqualTo(100_000);
    assertThat(atKill).isLessThan(100_000);
    lake.startEngine(SMALL_BATCHES);
    lake.awaitRaw(100_000, Duration.ofMinutes(5));

    KernelTableReader kernel = new KernelTableReader(lake.s3.s3aSettings());
    Map<String, Integer> seen = new HashMap<>();
    for (String type : TYPES) {
      for (Map<String, Object> row : kernel.read(lake.tableLocation("raw/" + type)).rows()) {
        seen.merge((String) row.get("event_id"), 1, Integer::sum);
        assertThat(row.get("entity_type")).isEqualTo(type);
      }
    }
    assertThat(seen.keySet()).isEqualTo(expectedIds);
    assertThat(seen.values()).as("every event exactly once").containsOnly(1);

    List<Map<String, Object>> dead = kernel.read(lake.tableLocation("deadletter")).rows();
    assertThat(dead).hasSize(3).allSatisfy(d -> {
      assertThat(d.get("stream")).isEqualTo("tenantlake-jira");
      assertThat((String) d.get("reason")).isNotBlank();
    });
  }

  private static void putGarbageOnTheJiraStream() {
    List<PutRecordsRequestEntry> garbage = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] bytes = new byte[64];
      new Random(i).nextBytes(bytes);
      garbage.add(PutRecordsRequestEntry.builder().partitionKey("garbage-" + i).data(SdkBytes.fromByteArray(bytes)).build());
    }
    assertThat(lake.kinesis.client().putRecords(b -> b.streamName("tenantlake-jira").records(garbage)).failedRecordCount()).isZero();
  }

  @Test
  @Order(2)
  void aFiveMebibytePayloadTravelsAsAClaimCheckAndComesBackByteIdentical() throws Exception {
    StringBuilder text = new StringBuilder();
    Random random = new Random(7);
    while (text.length() < 5 * 1024 * 1024) text.append(Long.toString(random.nextLong(), 36));
    Issue big = Issue.newBuilder().setKey("BIG-1").setDescription(text.toString()).build();
    ChangeEvent event = ChangeEvent.newBuilder().setEventId("big-payload-1").setTenantId("tenant-big")
        .setEntityType("jira.issue").setEntityId("BIG-1").setOp(Op.OP_CREATED).setVersion(1)
        .setPayload(Any.pack(big)).build();
    JsonNode answer = lake.post(List.of(event), true);
    assertThat(answer.path("accepted").asInt()).isEqualTo(1);
    long before = lake.committedRaw();
    lake.awaitRaw(before + 1, Duration.ofMinutes(2));

    Map<String, Object> row = new KernelTableReader(lake.s3.s3aSettings()).read(lake.tableLocation("raw/jira.issue")).rows()
        .stream().filter(r -> "big-payload-1".equals(r.get("event_id"))).findFirst().orElseThrow();
    assertThat((String) row.get("payload_ref")).startsWith("s3://" + LocalLake.CLAIM_BUCKET + "/");
    assertThat((byte[]) row.get("payload")).isEqualTo(big.toByteArray());
  }

  @Test
  @Order(3)
  void aShardSplitDuringIngestionLosesNothingAndKeepsEachEntitysOrder() throws Exception {
    SampleEvents sample = new SampleEvents(List.of("split-a", "split-b", "split-c"), List.of("jira.issue"), 50, 9);
    List<ChangeEvent> sent = new ArrayList<>();
    long before = lake.committedRaw();
    for (int b = 0; b < 20; b++) {
      List<ChangeEvent> batch = new ArrayList<>();
      for (int i = 0; i < 500; i++) batch.add(sample.next());
      sent.addAll(batch);
      assertThat(lake.post(batch, true).path("accepted").asInt()).isEqualTo(500);
      if (b == 8) splitFirstShard("tenantlake-jira");
    }
    lake.awaitRaw(before + sent.size(), Duration.ofMinutes(3));

    Map<String, List<Map<String, Object>>> byEntity = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (Map<String, Object> r : new KernelTableReader(lake.s3.s3aSettings()).read(lake.tableLocation("raw/jira.issue")).rows()) {
      if (!((String) r.get("tenant_id")).startsWith("split-")) continue;
      ids.add((String) r.get("event_id"));
      byEntity.computeIfAbsent(r.get("tenant_id") + "/" + r.get("entity_id"), k -> new ArrayList<>()).add(r);
    }
    assertThat(ids).hasSize(sent.size());
    // The engine reads a parent shard to its end before its children: per entity, a higher version
    // was never ingested before a lower one.
    for (List<Map<String, Object>> rows : byEntity.values()) {
      rows.sort((x, y) -> Long.compare((Long) x.get("version"), (Long) y.get("version")));
      for (int i = 1; i < rows.size(); i++) {
        assertThat((Instant) rows.get(i).get("ingested_at")).isAfterOrEqualTo((Instant) rows.get(i - 1).get("ingested_at"));
      }
    }
  }

  private static void splitFirstShard(String stream) throws Exception {
    var client = lake.kinesis.client();
    Shard shard = client.listShards(b -> b.streamName(stream)).shards().stream()
        .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null).findFirst().orElseThrow();
    BigInteger start = new BigInteger(shard.hashKeyRange().startingHashKey());
    BigInteger end = new BigInteger(shard.hashKeyRange().endingHashKey());
    client.splitShard(b -> b.streamName(stream).shardToSplit(shard.shardId())
        .newStartingHashKey(start.add(end).shiftRight(1).toString()));
    lake.kinesis.awaitStatus(stream, software.amazon.awssdk.services.kinesis.model.StreamStatus.ACTIVE, Duration.ofSeconds(10));
  }
}
