package io.tenantlake.it.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.maintenance.Compactor;
import io.tenantlake.engine.maintenance.MaintenanceSettings;
import io.tenantlake.engine.maintenance.TableResult;
import io.tenantlake.engine.raw.CheckpointTable;
import io.tenantlake.engine.raw.CommitPolicy;
import io.tenantlake.engine.raw.RawTableWriter;
import io.tenantlake.testkit.KernelTableReader;
import io.tenantlake.testkit.LocalS3;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compaction of raw tables on S3 (S3Proxy through S3A), read back with Delta Kernel: a partition of
 * 500 files becomes at most 5 with the same rows, and a compaction racing appends on purpose loses
 * and doubles nothing, and leaves the exactly-once positions as they were.
 */
class CompactionRaceTest {
  static LocalS3 s3;
  static DeltaStorage storage;

  @BeforeAll
  static void start() {
    s3 = LocalS3.start();
    s3.createBucket("maint");
    storage = DeltaStorage.s3("maint", "compaction", s3.s3aSettings());
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
}
