package io.tenantlake.it.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.maintenance.Compactor;
import io.tenantlake.engine.maintenance.MaintenanceSettings;
import io.tenantlake.engine.maintenance.TableResult;
import io.tenantlake.engine.raw.CheckpointTable;
import io.tenantlake.engine.raw.CommitPolicy;
import io.tenantlake.engine.raw.RawTableWriter;
import io.tenantlake.engine.refined.EntityRows;
import io.tenantlake.engine.refined.MergePolicy;
import io.tenantlake.engine.refined.ModelSchema;
import io.tenantlake.engine.refined.RefinedTableWriter;
import io.tenantlake.testkit.KernelTableReader;
import io.tenantlake.testkit.LocalS3;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compaction on S3 (S3Proxy through S3A), read back with Delta Kernel: a raw partition of 500 files
 * becomes at most 5 with the same rows; a compaction racing appends on purpose loses and doubles
 * nothing and leaves the exactly-once positions as they were; compactions racing refined merges on
 * purpose leave every entity with exactly one row, of its highest version.
 */
class CompactionRaceTest {
  static LocalS3 s3;
  static DeltaStorage storage;
  static DeltaStorage refinedStorage;

  @BeforeAll
  static void start() {
    s3 = LocalS3.start();
    s3.createBucket("maint");
    storage = DeltaStorage.s3("maint", "compaction", s3.s3aSettings());
    refinedStorage = DeltaStorage.s3("maint", "refined-compaction", s3.s3aSettings());
  }

  @AfterAll
  static void stop() {
    if (s3 != null) s3.close();
  }

  static final String FRAGMENTED = "t-frag";
  final MaintenanceSettings settings = MaintenanceSettings.defaults();

  @Test
  void aPartitionOf500FilesIsCompactedToAtMost5WithTheSameRowsWhileAppendsRace() throws Exception {
    RawTableWriter writer = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"), Runnable::run, Runnable::run);
    long seq = 0;
    for (int i = 0; i < 500; i++) {
      writer.commit(RawEvents.batch(seq, FRAGMENTED, "t-" + (i % 3)));
      seq += 2;
    }
    DeltaTable raw = DeltaTable.at(storage, "raw/jira.issue");
    assertThat(filesOf(raw, FRAGMENTED)).hasSize(500);
    List<String> before = rows(raw);
    assertThat(before).hasSize(1000).doesNotHaveDuplicates();

    Compactor compactor = new Compactor(settings, Clock.systemUTC());
    TableResult first = compactor.compact(storage, raw);
    assertThat(first.count("partitionsCompacted")).isEqualTo(4);
    assertThat(filesOf(raw, FRAGMENTED).size()).isBetween(1, 5);
    assertThat(rows(raw)).containsExactlyInAnyOrderElementsOf(before);

    // Fragment again, then compact while the writer keeps appending into the same partitions.
    for (int i = 0; i < 60; i++) {
      writer.commit(RawEvents.batch(seq, FRAGMENTED, "t-0"));
      seq += 2;
    }
    AtomicBoolean racing = new AtomicBoolean(true);
    AtomicLong next = new AtomicLong(seq);
    CompletableFuture<Integer> appends = CompletableFuture.supplyAsync(() -> {
      int n = 0;
      while (racing.get() || n < 20) {
        writer.commit(RawEvents.batch(next.getAndAdd(2), FRAGMENTED, "t-0"));
        n++;
      }
      return n;
    });
    List<TableResult> raced = new ArrayList<>();
    long seqAtStart = next.get();
    raced.add(compactor.compact(storage, raw));
    assertThat(next.get()).as("appends committed while the compaction ran").isGreaterThan(seqAtStart);
    for (int i = 0; i < 2; i++) raced.add(compactor.compact(storage, raw));
    racing.set(false);
    int appended = appends.get();
    long expected = next.get();
    assertThat(raced.stream().mapToLong(r -> r.count("partitionsCompacted")).sum()).isGreaterThan(0);

    List<String> after = rows(raw);
    assertThat(after).doesNotHaveDuplicates().hasSize((int) expected);
    assertThat(after).containsAll(before);
    // The positions are untouched: a new writer resumes after the last append and writes a replay of it not again.
    RawTableWriter restarted = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"), Runnable::run, Runnable::run);
    assertThat(restarted.resumePositions()).containsEntry("tenantlake-jira/" + RawEvents.SHARD, RawEvents.seq(expected - 1));
    assertThat(restarted.commit(RawEvents.batch(expected - 2, FRAGMENTED, "t-0")).events()).isZero();
    assertThat(new KernelTableReader(s3.s3aSettings()).txnVersion(raw.location(), "tenantlake-jira/" + RawEvents.SHARD))
        .isEqualTo(raw.lastTxnVersion("tenantlake-jira/" + RawEvents.SHARD));
    assertThat(rows(raw)).hasSize((int) expected);

    // Once the appends stop, the next run brings the partition back to a few files.
    compactor.compact(storage, raw);
    assertThat(filesOf(raw, FRAGMENTED).size()).as("after %d racing appends", appended).isBetween(1, 5);
    assertThat(rows(raw)).containsExactlyInAnyOrderElementsOf(after);
  }

  static List<DataFile> filesOf(DeltaTable table, String tenant) {
    return table.liveFiles(p -> tenant.equals(p.get("tenant_id")));
  }

  /** Every row as Delta Kernel reads it: tenant, sequence number and event id. */
  static List<String> rows(DeltaTable table) throws Exception {
    return new KernelTableReader(s3.s3aSettings()).read(table.location(), List.of("tenant_id", "sequence_number", "event_id"))
        .rows().stream().map(r -> r.get("tenant_id") + "/" + r.get("sequence_number") + "/" + r.get("event_id")).toList();
  }

  static final ModelSchema ISSUES = new ModelSchema("issues", List.of(
      Column.required("issue_id", ColumnType.STRING), Column.required("summary", ColumnType.STRING)), List.of("issue_id"));

  static EntityRows issue(String tenant, String id, long version) {
    return new EntityRows(tenant, "jira.issue", id, version, false, "ev-" + id + "-" + version,
        Instant.now(), List.<Object[]>of(new Object[] {id, "v" + version}));
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void mergesRacingACompactionLoseAndDoubleNoRow() throws Exception {
    // The merge must not fold the small files itself: the compaction is what is tested.
    MergePolicy policy = MergePolicy.defaults().withSmallFiles(8L << 20, 10_000).withWriteParallelism(2);
    RefinedTableWriter writer = RefinedTableWriter.open(refinedStorage, ISSUES, policy);
    Map<String, Long> expected = new TreeMap<>();
    long txn = 0;
    for (int i = 0; i < 40; i++) {
      List<EntityRows> batch = List.of(issue("t1", "I-" + i, 1), issue("t2", "I-" + i, 1));
      writer.merge(batch, txn++, null);
      batch.forEach(e -> expected.put(e.tenantId() + "/" + e.entityId(), e.version()));
    }
    assertThat(writer.table().liveFiles(p -> "t1".equals(p.get("tenant_id")))).hasSize(40);

    Compactor compactor = new Compactor(MaintenanceSettings.withOverrides("compaction.refined-quiet-period = 0s"),
        Clock.systemUTC());
    AtomicBoolean racing = new AtomicBoolean(true);
    long firstRacingTxn = txn;
    long[] nextTxn = {txn};
    CompletableFuture<Void> merges = CompletableFuture.runAsync(() -> {
      for (int round = 2; racing.get() || round < 6; round++) {
        List<EntityRows> batch = new ArrayList<>();
        // Updates of old entities (their files are rewritten) and new entities, in both tenants.
        for (int i = 0; i < 40; i += 7) batch.add(issue("t1", "I-" + ((i + round) % 40), round));
        batch.add(issue("t1", "N-" + round, 1));
        batch.add(issue("t2", "I-" + (round % 40), round));
        writer.merge(batch, nextTxn[0]++, null);
        synchronized (expected) {
          batch.forEach(e -> expected.merge(e.tenantId() + "/" + e.entityId(), e.version(), Math::max));
        }
        // Now and then a pause as long as a compaction, so that some compactions win their race.
        pause(round % 4 == 0 ? 2500 : 100);
      }
    });
    long compacted = 0;
    long givenUp = 0;
    for (int i = 0; i < 20 && (compacted == 0 || i < 4); i++) {
      var r = compactor.compact(refinedStorage, writer.table());
      compacted += r.count("partitionsCompacted");
      givenUp += r.count("partitionsGivenUp");
    }
    racing.set(false);
    merges.get();
    assertThat(nextTxn[0]).as("merges committed while the compactions ran").isGreaterThan(firstRacingTxn);
    assertThat(compacted).isGreaterThan(0);
    System.out.printf("refined race: %d partition compactions committed, %d given up, %d merges%n", compacted, givenUp,
        nextTxn[0] - firstRacingTxn);

    Map<String, Long> seen = new TreeMap<>();
    List<String> doubled = new ArrayList<>();
    for (Map<String, Object> r : new KernelTableReader(s3.s3aSettings()).read(writer.table().location()).rows()) {
      String key = r.get("tenant_id") + "/" + r.get("_entity_id");
      if (seen.put(key, (Long) r.get("_version")) != null) doubled.add(key);
      assertThat(r.get("summary")).isEqualTo("v" + r.get("_version"));
    }
    assertThat(doubled).isEmpty();
    assertThat(seen).isEqualTo(expected);
    writer.close();
  }
}
