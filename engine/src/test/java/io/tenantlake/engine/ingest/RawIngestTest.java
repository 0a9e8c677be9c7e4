package io.tenantlake.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.kinesis.KinesisSourceSettings;
import io.tenantlake.engine.raw.CheckpointTable;
import io.tenantlake.engine.raw.CommitPolicy;
import io.tenantlake.engine.raw.RawTableWriter;
import io.tenantlake.engine.raw.RecordDecoder;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.testkit.KernelTableReader;
import io.tenantlake.testkit.LocalKinesis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/** The live lane end to end on the real emulator: stream → decode → raw Delta, across a restart. */
class RawIngestTest {
  static LocalKinesis kinesis;
  static ActorSystem system;
  static ExecutorService io = Executors.newFixedThreadPool(1);
  static ExecutorService tables = Executors.newFixedThreadPool(4);
  static ExecutorService files = Executors.newFixedThreadPool(4);
  static final CommitPolicy POLICY = new CommitPolicy(2_000, 64L << 20, Duration.ofMillis(300), 1L << 20);
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    kinesis = LocalKinesis.start();
    system = ActorSystem.create("raw-ingest-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
    kinesis.close();
    io.shutdownNow();
    tables.shutdownNow();
    files.shutdownNow();
  }

  static void put(String stream, List<byte[]> records, List<String> keys) {
    for (int start = 0; start < records.size(); start += 500) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i = start; i < Math.min(records.size(), start + 500); i++) {
        entries.add(PutRecordsRequestEntry.builder().partitionKey(keys.get(i)).data(SdkBytes.fromByteArray(records.get(i))).build());
      }
      assertThat(kinesis.client().putRecords(b -> b.streamName(stream).records(entries)).failedRecordCount()).isZero();
    }
  }

  static byte[] issue(int n) {
    String tenant = "t" + (n % 7);
    return ChangeEvent.newBuilder().setEventId("ev-" + n).setTenantId(tenant).setEntityType("jira.issue")
        .setEntityId("I-" + (n % 300)).setOp(Op.OP_UPDATED).setVersion(n + 1)
        .setPayload(Any.pack(Issue.newBuilder().setKey("I-" + n).build())).build().toByteArray();
  }

  /** Runs the lane until {@code events} more events and {@code dead} more dead letters are committed, then stops it. */
  static void runUntil(DeltaStorage storage, long events, long dead) throws Exception {
    IngestMetrics metrics = new IngestMetrics();
    RawTableWriter writer = new RawTableWriter(storage, POLICY, CheckpointTable.name("live"), tables, files);
    RecordDecoder decoder = new RecordDecoder(new EventValidator(EntityTypeRegistry.defaults()), null, 1 << 20);
    var run = RawIngest.live(kinesis.asyncClient(), List.of("ri-jira"),
            KinesisSourceSettings.defaults().withDiscoveryInterval(Duration.ofMillis(500)), decoder, writer,
            POLICY, 8, io, metrics)
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
    UniqueKillSwitch kill = run.first();
    long deadline = System.currentTimeMillis() + 60_000;
    while ((metrics.eventsCommitted.sum() < events || metrics.deadLetters.sum() < dead) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    kill.shutdown();
    run.second().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(metrics.eventsCommitted.sum()).isEqualTo(events);
    assertThat(metrics.deadLetters.sum()).isEqualTo(dead);
  }

  @Test
  void garbageIsDeadLetteredTheEventsAroundItArriveAndARestartAddsNothingTwice() throws Exception {
    kinesis.createStream("ri-jira", 2);
    List<byte[]> records = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int n = 0; n < 3000; n++) {
      records.add(issue(n));
      keys.add("k" + (n % 300));
      if (n == 1500) {
        records.add(new byte[] {0x0a, (byte) 0xff, 0x01, 0x02});
        keys.add("k0");
      }
    }
    put("ri-jira", records, keys);
    DeltaStorage storage = DeltaStorage.local(dir);
    runUntil(storage, 3000, 1);

    // More events, then a new lane over the same tables: it resumes after the checkpoint.
    List<byte[]> more = new ArrayList<>();
    List<String> moreKeys = new ArrayList<>();
    for (int n = 3000; n < 3500; n++) {
      more.add(issue(n));
      moreKeys.add("k" + (n % 300));
    }
    put("ri-jira", more, moreKeys);
    runUntil(storage, 500, 0);

    KernelTableReader kernel = new KernelTableReader(Map.of());
    List<Map<String, Object>> rows = kernel.read(DeltaTable.at(storage, "raw/jira.issue").location()).rows();
    Map<Object, Integer> perEvent = new HashMap<>();
    rows.forEach(r -> perEvent.merge(r.get("event_id"), 1, Integer::sum));
    assertThat(perEvent).hasSize(3500);
    assertThat(perEvent.values()).containsOnly(1);
    assertThat(rows).allSatisfy(r -> assertThat(r.get("lane")).isEqualTo("live"));
    List<Map<String, Object>> dead = kernel.read(DeltaTable.at(storage, "deadletter").location()).rows();
    assertThat(dead).hasSize(1);
    assertThat((byte[]) dead.get(0).get("original")).containsExactly(0x0a, 0xff, 0x01, 0x02);
    assertThat(dead.get(0).get("stream")).isEqualTo("ri-jira");
  }
}
