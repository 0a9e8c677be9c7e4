package io.tenantlake.engine.delta;

import io.tenantlake.testkit.KernelTableReader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * What our Delta layer must do on any storage, checked with Delta Kernel as the reader. Each
 * storage (local disk, S3) runs the same contract.
 */
abstract class DeltaTableContract {
  static final TableSchema SCHEMA = TableSchema.of(List.of(
      Column.required("tenant_id", ColumnType.STRING),
      Column.required("entity_id", ColumnType.STRING),
      Column.required("version", ColumnType.LONG),
      Column.required("deleted", ColumnType.BOOLEAN),
      Column.optional("payload", ColumnType.BINARY),
      Column.required("updated_at", ColumnType.TIMESTAMP),
      Column.optional("score", ColumnType.DOUBLE),
      Column.optional("attempts", ColumnType.INT)), "tenant_id");
  static final long TARGET = 8L << 20;

  abstract DeltaStorage storage();

  abstract Map<String, String> readerProperties();

  private DeltaTable newTable() {
    return DeltaTable.at(storage(), "test/" + UUID.randomUUID()).createIfMissing(SCHEMA, Map.of());
  }

  static Row row(String tenant, String entity, long version, Instant at) {
    return Row.of(tenant, entity, version, false, (tenant + ":" + entity + ":" + version).getBytes(StandardCharsets.UTF_8),
        at, version * 0.5, (int) (version % 7));
  }

  static String key(Object tenant, Object entity, Object version) {
    return tenant + "|" + entity + "|" + version;
  }

  KernelTableReader.Result kernel(DeltaTable table) throws Exception {
    return new KernelTableReader(readerProperties()).read(table.location());
  }

  @Test
  void appendsPastACheckpointAreReadByKernelWithValuesAndPartitions() throws Exception {
    DeltaTable table = newTable();
    Instant t0 = Instant.parse("2026-11-01T10:15:30.123456Z");
    Set<String> expected = new HashSet<>();
    for (int commit = 0; commit < 12; commit++) {
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String tenant = "tenant-" + (i % 3);
        Row r = row(tenant, "e-" + commit + "-" + i, commit * 100L + i, t0.plusSeconds(commit * 60L + i));
        rows.add(r);
        expected.add(key(tenant, r.get(1), r.get(2)));
      }
      CommitOutcome outcome = table.commit(TableCommit.append(table.write(rows, TARGET))
          .txn("writer-1", commit).metadata("sequence", "seq-" + commit).build());
      assertThat(outcome).isInstanceOf(CommitOutcome.Committed.class);
      assertThat(((CommitOutcome.Committed) outcome).version()).isEqualTo(commit + 1L);
    }
    Path checkpoint = new Path(table.location() + "/_delta_log/00000000000000000010.checkpoint.parquet");
    assertThat(checkpoint.getFileSystem(storage().hadoopConfiguration()).exists(checkpoint))
        .as("a checkpoint after 10 commits").isTrue();

    KernelTableReader.Result read = kernel(table);
    assertThat(read.version()).isEqualTo(12);
    assertThat(read.partitionColumns()).containsExactly("tenant_id");
    assertThat(read.rows()).hasSize(600);
    Set<String> seen = new HashSet<>();
    for (Map<String, Object> r : read.rows()) {
      seen.add(key(r.get("tenant_id"), r.get("entity_id"), r.get("version")));
      long v = (Long) r.get("version");
      assertThat(new String((byte[]) r.get("payload"), StandardCharsets.UTF_8))
          .isEqualTo(r.get("tenant_id") + ":" + r.get("entity_id") + ":" + v);
      assertThat(r.get("score")).isEqualTo(v * 0.5);
      assertThat(r.get("attempts")).isEqualTo((int) (v % 7));
      assertThat(r.get("deleted")).isEqualTo(false);
      long commit = v / 100;
      assertThat(r.get("updated_at")).isEqualTo(t0.plusSeconds(commit * 60 + v % 100));
    }
    assertThat(seen).isEqualTo(expected);
    assertThat(table.commitMetadata(12)).hasValueSatisfying(m -> assertThat(m).contains("\"sequence\":\"seq-11\""));
  }

  @Test
  void aRetriedTxnIsSkippedAndKernelSeesItOnce() throws Exception {
    DeltaTable table = newTable();
    Instant now = Instant.now();
    List<Row> rows = List.of(row("a", "x", 1, now), row("b", "y", 1, now));
    assertThat(table.commit(TableCommit.append(table.write(rows, TARGET)).txn("stream/shard-0", 5).build()))
        .isInstanceOf(CommitOutcome.Committed.class);
    // The same batch again, as after a crash between commit and acknowledgement: new files, same txn.
    CommitOutcome again = table.commit(TableCommit.append(table.write(rows, TARGET)).txn("stream/shard-0", 5).build());
    assertThat(again).isEqualTo(new CommitOutcome.AlreadyCommitted("stream/shard-0", 5, 5));
    assertThat(table.commit(TableCommit.append(table.write(rows, TARGET)).txn("stream/shard-0", 4).build()))
        .isInstanceOf(CommitOutcome.AlreadyCommitted.class);
    assertThat(table.commit(TableCommit.append(table.write(List.of(row("a", "z", 2, now)), TARGET))
        .txn("stream/shard-0", 6).build())).isInstanceOf(CommitOutcome.Committed.class);

    assertThat(table.lastTxnVersion("stream/shard-0")).isEqualTo(6);
    assertThat(table.lastTxnVersion("stream/shard-1")).isEqualTo(-1);
    assertThat(kernel(table).rows()).hasSize(3);
    assertThat(new KernelTableReader(readerProperties()).txnVersion(table.location(), "stream/shard-0")).isEqualTo(6);
  }

  @Test
  void aCopyOnWriteRewriteReplacesOnlyItsPartitionsFilesAndAStalePlanFails() throws Exception {
    DeltaTable table = newTable();
    Instant now = Instant.parse("2026-11-02T00:00:00Z");
    table.commit(TableCommit.append(table.write(List.of(
        row("a", "1", 1, now), row("a", "2", 1, now), row("b", "1", 1, now)), TARGET)).build());
    List<DataFile> aFiles = table.liveFiles(p -> p.get("tenant_id").equals("a"));
    assertThat(aFiles).hasSize(1);
    assertThat(aFiles.get(0).numRecords()).isEqualTo(2);

    List<Row> rewritten = new ArrayList<>();
    for (Row r : table.read(aFiles.get(0))) {
      Object[] v = r.values();
      if (v[1].equals("2")) v[2] = 2L;
      rewritten.add(Row.wrap(v));
    }
    CommitOutcome outcome = table.commit(TableCommit.of(TableCommit.Kind.MERGE)
        .remove(aFiles).add(table.write(rewritten, TARGET)).readPartition(Map.of("tenant_id", "a"))
        .parameter("predicate", "tenant_id = 'a'").build());
    assertThat(outcome).isInstanceOf(CommitOutcome.Committed.class);

    Set<String> seen = new HashSet<>();
    for (Map<String, Object> r : kernel(table).rows()) seen.add(key(r.get("tenant_id"), r.get("entity_id"), r.get("version")));
    assertThat(seen).containsExactlyInAnyOrder(key("a", "1", 1L), key("a", "2", 2L), key("b", "1", 1L));

    // A plan made on the old snapshot: its file is gone, so the commit must fail loudly, naming it.
    assertThatThrownBy(() -> table.commit(TableCommit.of(TableCommit.Kind.MERGE)
        .remove(aFiles).add(table.write(rewritten, TARGET)).build()))
        .isInstanceOf(DeltaCommitException.class)
        .hasMessageContaining(table.name()).hasMessageContaining(aFiles.get(0).path());
    assertThat(kernel(table).rows()).hasSize(3);
  }

  @Test
  void theFilesAddedAfterAVersionComeFromTheCommitsSinceAndAreStillLive() {
    DeltaTable table = newTable();
    Instant now = Instant.parse("2026-11-04T00:00:00Z");
    long first = ((CommitOutcome.Committed) table.commit(TableCommit.append(table.write(List.of(
        row("a", "1", 1, now), row("b", "1", 1, now)), TARGET)).build())).version();
    List<DataFile> second = table.write(List.of(row("a", "2", 1, now)), TARGET);
    table.commit(TableCommit.append(second).build());
    List<DataFile> third = table.write(List.of(row("c", "1", 1, now), row("a=x%y", "1", 1, now)), TARGET);
    table.commit(TableCommit.append(third).build());

    List<String> expected = new ArrayList<>();
    second.forEach(f -> expected.add(f.path()));
    third.forEach(f -> expected.add(f.path()));
    assertThat(table.liveFilesAddedAfter(first).orElseThrow()).extracting(DataFile::path)
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(table.liveFilesAddedAfter(table.version()).orElseThrow()).isEmpty();
    assertThat(table.liveFilesAddedAfter(-1).orElseThrow()).hasSize(table.liveFiles().size());
  }

  @Test
  void fileStatisticsHoldTheKeyRangeOfEachFile() {
    DeltaTable table = newTable();
    Instant now = Instant.parse("2026-11-03T12:00:00.5Z");
    table.commit(TableCommit.append(table.write(List.of(
        row("a", "k-05", 3, now), row("a", "k-01", 9, now.plusSeconds(5)), row("a", "k-09", 1, now)), TARGET)).build());
    DataFile file = table.liveFiles().get(0);
    FileStats stats = file.stats(SCHEMA);
    assertThat(stats.numRecords()).isEqualTo(3);
    assertThat(stats.minValues()).containsEntry("entity_id", "k-01").containsEntry("version", 1L)
        .containsEntry("updated_at", now).doesNotContainKey("payload").doesNotContainKey("tenant_id");
    assertThat(stats.maxValues()).containsEntry("entity_id", "k-09").containsEntry("version", 9L)
        .containsEntry("updated_at", now.plusSeconds(5));
    assertThat(stats.nullCount()).containsEntry("payload", 0L);
  }

  @Test
  void addingANullableColumnKeepsOldFilesReadable() throws Exception {
    DeltaTable table = newTable();
    Instant now = Instant.now();
    table.commit(TableCommit.append(table.write(List.of(row("a", "1", 1, now)), TARGET)).build());
    List<Column> more = new ArrayList<>(SCHEMA.columns());
    more.add(Column.optional("note", ColumnType.STRING));
    TableSchema wider = new TableSchema(more, List.of("tenant_id"));
    DeltaTable reopened = DeltaTable.at(storage(), table.name()).createIfMissing(wider, Map.of());
    Object[] values = java.util.Arrays.copyOf(row("a", "2", 1, now).values(), more.size());
    values[more.size() - 1] = "hello";
    reopened.commit(TableCommit.append(reopened.write(List.of(Row.wrap(values)), TARGET)).build());

    Map<Object, Object> notes = new java.util.HashMap<>();
    for (Map<String, Object> r : kernel(reopened).rows()) notes.put(r.get("entity_id"), r.get("note"));
    assertThat(notes).containsEntry("1", null).containsEntry("2", "hello");
    assertThat(reopened.readAll()).extracting(r -> r.get(more.size() - 1)).containsExactlyInAnyOrder(null, "hello");
    assertThatThrownBy(() -> DeltaTable.at(storage(), table.name()).createIfMissing(
        TableSchema.of(List.of(Column.required("tenant_id", ColumnType.STRING), Column.required("x", ColumnType.LONG)),
            "tenant_id"), Map.of()))
        .hasMessageContaining(table.name()).hasMessageContaining("only appending nullable columns");
  }

  @Test
  void partitionValuesWithAwkwardCharactersRoundTrip() throws Exception {
    DeltaTable table = newTable();
    String tenant = "acme corp/eu=1%";
    table.commit(TableCommit.append(table.write(List.of(row(tenant, "1", 1, Instant.now())), TARGET)).build());
    assertThat(kernel(table).rows()).extracting(r -> r.get("tenant_id")).containsExactly(tenant);
    assertThat(table.readAll()).extracting(r -> r.get(0)).containsExactly(tenant);
  }

  @Test
  void concurrentBlindAppendsFromTwoWritersAllLand() throws Exception {
    DeltaTable first = newTable();
    DeltaTable second = DeltaTable.at(storage(), first.name());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (DeltaTable writer : List.of(first, second)) {
        String id = writer == first ? "w1" : "w2";
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 5; i++) {
            writer.commit(TableCommit.append(writer.write(List.of(row("t", id + "-" + i, i + 1, Instant.now())), TARGET))
                .txn("writer-" + id, i).build());
          }
        }));
      }
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }
    assertThat(kernel(first).rows()).hasSize(10);
    assertThat(first.lastTxnVersion("writer-w1")).isEqualTo(4);
    assertThat(first.lastTxnVersion("writer-w2")).isEqualTo(4);
  }
}
