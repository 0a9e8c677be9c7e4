package io.tenantlake.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.event.Decoded;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.SourceRecord;
import io.tenantlake.engine.raw.CheckpointTable;
import io.tenantlake.engine.raw.CommitPolicy;
import io.tenantlake.engine.raw.RawTableWriter;
import io.tenantlake.engine.raw.RecordDecoder;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.testkit.KernelTableReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw deduplication by event id, read back with Delta Kernel (not our writer). */
class RawDeduplicationTest {
  @TempDir Path dir;
  final RecordDecoder decoder = new RecordDecoder(new EventValidator(EntityTypeRegistry.defaults()), null, 1 << 20);
  final ExecutorService io = Executors.newFixedThreadPool(4);
  long seq = 1;

  @AfterEach
  void stop() {
    io.shutdownNow();
  }

  static byte[] issue(String tenant, String eventId, String id, long version, String summary) {
    return ChangeEvent.newBuilder().setEventId(eventId).setTenantId(tenant).setEntityType("jira.issue").setEntityId(id)
        .setOp(Op.OP_UPDATED).setVersion(version)
        .setPayload(Any.pack(Issue.newBuilder().setKey(id).setSummary(summary).build())).build().toByteArray();
  }

  /** Each call is a new Kinesis record: positions never hide a duplicate, only the event id can. */
  List<Decoded> records(List<byte[]> events) {
    List<Decoded> out = new ArrayList<>();
    for (byte[] e : events) {
      SourceRecord r = new SourceRecord(new Origin(Lane.LIVE, "tenantlake-jira", "shard-0", String.format("%056d", seq++)),
          e, Instant.now());
      out.add(decoder.decode(r).toCompletableFuture().join());
    }
    return out;
  }

  RawTableWriter writer(DeltaStorage storage, DedupSettings settings, Clock clock) {
    return new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"), io, io,
        new RawDeduplicator(settings, clock));
  }

  Map<String, Long> eventIdCounts(DeltaStorage storage) throws Exception {
    return new KernelTableReader(Map.of()).read(DeltaTable.at(storage, "raw/jira.issue").location()).rows().stream()
        .collect(Collectors.groupingBy(r -> r.get("tenant_id") + "/" + r.get("event_id"), Collectors.counting()));
  }

  static List<byte[]> issues(int from, int to, Function<Integer, String> tenant) {
    List<byte[]> out = new ArrayList<>();
    for (int i = from; i < to; i++) out.add(issue(tenant.apply(i), "ev-" + i, "I-" + i, 1, "s" + i));
    return out;
  }

  @Test
  void aDuplicateIsDroppedAcrossBatchesInsideABatchAndAfterARestart() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    RawTableWriter w = writer(storage, DedupSettings.defaults(), Clock.systemUTC());
    assertThat(w.commit(records(issues(0, 100, i -> "t" + i % 4))).events()).isEqualTo(100);

    // A retry of 30 of them, 10 of them twice in the same batch, and 20 new ones.
    List<byte[]> retry = new ArrayList<>(issues(0, 30, i -> "t" + i % 4));
    retry.addAll(issues(0, 10, i -> "t" + i % 4));
    retry.addAll(issues(100, 120, i -> "t" + i % 4));
    RawTableWriter.CycleResult second = w.commit(records(retry));
    assertThat(second.events()).isEqualTo(20);
    assertThat(second.duplicates()).isEqualTo(40);
    assertThat(second.duplicatesByTable()).containsEntry("raw/jira.issue", 40);
    assertThat(second.conflicts()).isZero();

    // A new writer (the old one crashed) knows only what raw holds: it rebuilds its filters from it.
    RawTableWriter restarted = writer(storage, DedupSettings.defaults(), Clock.systemUTC());
    RawTableWriter.CycleResult third = restarted.commit(records(issues(50, 130, i -> "t" + i % 4)));
    assertThat(third.events()).isEqualTo(10);
    assertThat(third.duplicates()).isEqualTo(70);

    Map<String, Long> counts = eventIdCounts(storage);
    assertThat(counts).hasSize(130);
    assertThat(counts.values()).allMatch(n -> n == 1);
  }

  @Test
  void sameIdWithOtherContentIsStoredAsAConflictAndItsOwnRetryIsDropped() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    RawTableWriter w = writer(storage, DedupSettings.defaults(), Clock.systemUTC());
    w.commit(records(List.of(issue("t1", "ev-x", "I-1", 1, "first"))));
    RawTableWriter.CycleResult r = w.commit(records(List.of(issue("t1", "ev-x", "I-1", 2, "other version"),
        issue("t1", "ev-x", "I-1", 1, "other payload"), issue("t2", "ev-x", "I-1", 1, "first"))));
    assertThat(r.conflicts()).isEqualTo(2);
    assertThat(r.events()).as("the same id of another tenant is not a duplicate").isEqualTo(3);
    // After a restart the conflicting copies are known from raw too: their retries are dropped.
    RawTableWriter restarted = writer(storage, DedupSettings.defaults(), Clock.systemUTC());
    RawTableWriter.CycleResult again = restarted.commit(records(List.of(issue("t1", "ev-x", "I-1", 2, "other version"),
        issue("t1", "ev-x", "I-1", 1, "first"))));
    assertThat(again.events()).isZero();
    assertThat(again.duplicates()).isEqualTo(2);
    assertThat(eventIdCounts(storage)).containsEntry("t1/ev-x", 3L).containsEntry("t2/ev-x", 1L);
  }

  @Test
  void filterHitsAreCheckedExactlySoNoNewEventIsEverDropped() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    // No recent ids and a filter that says "maybe" often: every hit goes to the files.
    DedupSettings leaky = new DedupSettings(true, Duration.ofDays(7), 0.3, 256L << 20, 0);
    RawTableWriter w = writer(storage, leaky, Clock.systemUTC());
    for (int b = 0; b < 5; b++) {
      assertThat(w.commit(records(issues(b * 400, b * 400 + 400, i -> "t" + i % 2))).events()).isEqualTo(400);
    }
    RawTableWriter.CycleResult mixed = w.commit(records(issues(1500, 2500, i -> "t" + i % 2)));
    assertThat(mixed.events()).isEqualTo(500);
    assertThat(mixed.duplicates()).isEqualTo(500);
    Map<String, Long> counts = eventIdCounts(storage);
    assertThat(counts).hasSize(2500);
    assertThat(counts.values()).allMatch(n -> n == 1);
  }

  @Test
  void anIdOlderThanTheWindowIsNoLongerADuplicate() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    writer(storage, DedupSettings.defaults(), Clock.systemUTC()).commit(records(issues(0, 10, i -> "t1")));
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(9));
    RawTableWriter.CycleResult r = writer(storage, DedupSettings.defaults(), later).commit(records(issues(0, 10, i -> "t1")));
    assertThat(r.events()).isEqualTo(10);
    assertThat(r.duplicates()).isZero();
    Clock inside = Clock.offset(Clock.systemUTC(), Duration.ofDays(5));
    assertThat(writer(storage, DedupSettings.defaults(), inside).commit(records(issues(0, 10, i -> "t1"))).duplicates())
        .isEqualTo(10);
  }

  @Test
  void filtersStayWithinTheirMemoryAndEvictedTenantsAreRebuiltFromRaw() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    DedupSettings small = new DedupSettings(true, Duration.ofDays(7), 1e-4, 1L << 20, 0);
    RawDeduplicator dedup = new RawDeduplicator(small, Clock.systemUTC());
    RawTableWriter w = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"), io, io, dedup);
    // 800 tenants of a few KiB of filter each: more than 1 MiB together.
    w.commit(records(issues(0, 800, i -> "t" + i)));
    assertThat(dedup.filterBytes()).isLessThanOrEqualTo(1L << 20);
    assertThat(dedup.filterIds()).isLessThan(800);
    RawTableWriter.CycleResult again = w.commit(records(issues(0, 800, i -> "t" + i)));
    assertThat(again.duplicates()).isEqualTo(800);
    assertThat(again.events()).isZero();
    assertThat(eventIdCounts(storage).values()).allMatch(n -> n == 1);
  }

  @Test
  void offWritesEverything() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    RawTableWriter w = writer(storage, DedupSettings.disabled(), Clock.systemUTC());
    w.commit(records(issues(0, 10, i -> "t1")));
    assertThat(w.commit(records(issues(0, 10, i -> "t1"))).events()).isEqualTo(10);
    assertThat(eventIdCounts(storage).values()).allMatch(n -> n == 2);
  }

  @Test
  void settingsAreValidated() throws Exception {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DedupSettings(true, Duration.ZERO, 1e-4, 1L << 20, 0))
        .hasMessageContaining("tenantlake.ingest.dedup.window");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DedupSettings(true, Duration.ofDays(1), 0.7, 1L << 20, 0))
        .hasMessageContaining("false-positive-rate");
    assertThat(DedupSettings.defaults().windowDays()).isEqualTo(7);
    assertThat(new DedupSettings(true, Duration.ofHours(36), 1e-4, 1L << 20, 0).windowDays()).isEqualTo(2);
  }
}
