package io.tenantlake.engine.refined;

import static io.tenantlake.engine.refined.RefinedFixtures.deleted;
import static io.tenantlake.engine.refined.RefinedFixtures.issue;
import static io.tenantlake.engine.refined.RefinedFixtures.issues;
import static io.tenantlake.engine.refined.RefinedFixtures.labelled;
import static io.tenantlake.engine.refined.RefinedFixtures.labels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.CommitOutcome;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.TableCommit;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefinedTableWriterTest {
  @TempDir Path dir;
  private final List<RefinedTableWriter> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(RefinedTableWriter::close);
  }

  private DeltaStorage storage() {
    return DeltaStorage.local(dir);
  }

  private RefinedTableWriter open(ModelSchema model) {
    RefinedTableWriter w = RefinedTableWriter.open(storage(), model, MergePolicy.defaults().withWriteParallelism(2));
    opened.add(w);
    return w;
  }

  private Map<String, List<String>> table(RefinedTableWriter w) throws Exception {
    return RefinedFixtures.byEntity(RefinedFixtures.kernelRows(w, Map.of()));
  }

  private static String row(String tenant, String id, long version, String summary) {
    return "{_deleted=false, _entity_id=" + id + ", _version=" + version + ", issue_id=" + id
        + ", priority=" + (version % 5) + ", summary=" + summary + ", tenant_id=" + tenant + "}";
  }

  private static String tombstone(String tenant, String id, long version) {
    return "{_deleted=true, _entity_id=" + id + ", _version=" + version + ", tenant_id=" + tenant + "}";
  }

  @Test
  void schemaIsTenantThenNullableModelColumnsThenSystemColumns() {
    var schema = RefinedTables.schema(issues("issue"));
    assertThat(schema.partitionColumns()).containsExactly("tenant_id");
    assertThat(schema.columnNames()).containsExactly("tenant_id", "issue_id", "summary", "priority",
        "_entity_id", "_version", "_deleted", "_event_id", "_updated_at");
    assertThat(schema.columns().subList(1, 4)).allMatch(Column::nullable);
    assertThat(schema.columns().get(5).type()).isEqualTo(ColumnType.LONG);
    assertThat(schema.columns().get(8).type()).isEqualTo(ColumnType.TIMESTAMP);
  }

  @Test
  void upsertInsertsThenReplacesAndKeepsSystemColumns() throws Exception {
    RefinedTableWriter w = open(issues("issue"));
    MergeReport first = w.merge(List.of(issue("t1", "I-1", 1, "a"), issue("t1", "I-2", 1, "b"), issue("t2", "I-1", 3, "c")), 0, "{\"p\":1}");
    assertThat(first.entitiesApplied()).isEqualTo(3);
    assertThat(first.rowsWritten()).isEqualTo(3);
    assertThat(first.filesAdded()).isEqualTo(2);
    assertThat(first.filesRemoved()).isZero();
    MergeReport second = w.merge(List.of(issue("t1", "I-1", 2, "a2")), 1, "{\"p\":2}");
    assertThat(second.entitiesApplied()).isEqualTo(1);
    assertThat(second.rowsCopied()).isEqualTo(1);
    assertThat(second.filesRemoved()).isEqualTo(1);
    assertThat(table(w)).containsExactly(
        Map.entry("t1/I-1", List.of(row("t1", "I-1", 2, "a2"))),
        Map.entry("t1/I-2", List.of(row("t1", "I-2", 1, "b"))),
        Map.entry("t2/I-1", List.of(row("t2", "I-1", 3, "c"))));
    Map<String, Object> r = RefinedFixtures.kernelRows(w, Map.of()).stream()
        .filter(x -> x.get("_entity_id").equals("I-1") && x.get("tenant_id").equals("t1")).findFirst().orElseThrow();
    assertThat(r.get("_event_id")).isEqualTo("ev-t1-I-1-2");
    assertThat(r.get("_updated_at")).isEqualTo(RefinedFixtures.T0.plusSeconds(2));
    assertThat(w.lastWatermark()).contains("{\"p\":2}");
  }

  @Test
  void staleAndEqualVersionsAreDroppedAndCounted() throws Exception {
    RefinedTableWriter w = open(issues("issue"));
    w.merge(List.of(issue("t1", "I-1", 5, "five")), 0, null);
    MergeReport older = w.merge(List.of(issue("t1", "I-1", 4, "four")), 1, null);
    assertThat(older.entitiesDroppedStale()).isEqualTo(1);
    assertThat(older.entitiesApplied()).isZero();
    assertThat(older.filesAdded()).isZero();
    assertThat(older.filesRemoved()).isZero();
    MergeReport equal = w.merge(List.of(issue("t1", "I-1", 5, "five again")), 2, null);
    assertThat(equal.entitiesDroppedStale()).isEqualTo(1);
    assertThat(equal.filesAdded()).isZero();
    assertThat(table(w)).containsExactly(Map.entry("t1/I-1", List.of(row("t1", "I-1", 5, "five"))));
    // The txn still moved: the merge is done even though it changed no row.
    assertThat(w.lastTxnVersion()).isEqualTo(2);
  }

  @Test
  void withinOneCallOnlyTheHighestVersionCountsWhateverTheOrder() throws Exception {
    RefinedTableWriter w = open(issues("issue"));
    MergeReport r = w.merge(List.of(issue("t1", "I-1", 3, "three"), issue("t1", "I-1", 7, "seven"),
        issue("t1", "I-1", 5, "five"), issue("t1", "I-1", 7, "seven dup")), 0, null);
    assertThat(r.entitiesApplied()).isEqualTo(1);
    assertThat(r.entitiesDroppedStale()).isEqualTo(3);
    assertThat(table(w)).containsExactly(Map.entry("t1/I-1", List.of(row("t1", "I-1", 7, "seven"))));
  }

  @Test
  void deleteLeavesATombstoneThatOlderEventsCannotResurrectButANewerVersionCan() throws Exception {
    RefinedTableWriter w = open(issues("issue"));
    w.merge(List.of(issue("t1", "I-1", 1, "one"), issue("t1", "I-2", 1, "other")), 0, null);
    w.merge(List.of(deleted("t1", "I-1", 4)), 1, null);
    assertThat(table(w)).containsEntry("t1/I-1", List.of(tombstone("t1", "I-1", 4)));

    MergeReport late = w.merge(List.of(issue("t1", "I-1", 3, "late"), issue("t1", "I-1", 2, "later still")), 2, null);
    assertThat(late.entitiesDroppedStale()).isEqualTo(2);
    MergeReport equalDelete = w.merge(List.of(issue("t1", "I-1", 4, "same version")), 3, null);
    assertThat(equalDelete.entitiesApplied()).isZero();
    assertThat(table(w)).containsEntry("t1/I-1", List.of(tombstone("t1", "I-1", 4)));

    w.merge(List.of(issue("t1", "I-1", 9, "back")), 4, null);
    assertThat(table(w)).containsExactly(
        Map.entry("t1/I-1", List.of(row("t1", "I-1", 9, "back"))),
        Map.entry("t1/I-2", List.of(row("t1", "I-2", 1, "other"))));
  }

  @Test
  void deletingAnUnknownEntityStillLeavesATombstone() throws Exception {
    RefinedTableWriter w = open(issues("issue"));
    w.merge(List.of(deleted("t1", "I-9", 2)), 0, null);
    w.merge(List.of(issue("t1", "I-9", 1, "created, arriving after its deletion")), 1, null);
    assertThat(table(w)).containsExactly(Map.entry("t1/I-9", List.of(tombstone("t1", "I-9", 2))));
  }

  @Test
  void explodedEntityIsReplacedAsAWholeThenTombstonedWhenItYieldsNoRows() throws Exception {
    RefinedTableWriter w = open(labels("issue_label"));
    w.merge(List.of(labelled("t1", "I-1", 1, "bug", "ui", "urgent"), labelled("t1", "I-2", 1, "infra")), 0, null);
    assertThat(table(w).get("t1/I-1")).hasSize(3);

    MergeReport one = w.merge(List.of(labelled("t1", "I-1", 2, "ui")), 1, null);
    assertThat(one.rowsWritten()).isEqualTo(1);
    assertThat(one.rowsCopied()).isEqualTo(1);
    assertThat(table(w)).containsExactly(
        Map.entry("t1/I-1", List.of("{_deleted=false, _entity_id=I-1, _version=2, issue_id=I-1, label=ui, tenant_id=t1}")),
        Map.entry("t1/I-2", List.of("{_deleted=false, _entity_id=I-2, _version=1, issue_id=I-2, label=infra, tenant_id=t1}")));

    // No rows and not deleted (e.g. the model filters the entity out): a tombstone as well.
    w.merge(List.of(labelled("t1", "I-1", 3)), 2, null);
    assertThat(table(w).get("t1/I-1")).containsExactly(
        "{_deleted=true, _entity_id=I-1, _version=3, tenant_id=t1}");
    w.merge(List.of(labelled("t1", "I-1", 2, "zombie", "labels")), 3, null);
    assertThat(table(w).get("t1/I-1")).hasSize(1);
  }

  @Test
  void retriedMergeWithTheSameTxnVersionIsAlreadyCommittedAndChangesNothing() throws Exception {
    RefinedTableWriter w = open(issues("issue"));
    w.merge(List.of(issue("t1", "I-1", 1, "one")), 0, "{\"w\":0}");
    MergeReport first = w.merge(List.of(issue("t1", "I-1", 2, "two")), 1, "{\"w\":1}");
    long version = w.table().version();
    List<DataFile> files = w.table().liveFiles();

    MergeReport retry = w.merge(List.of(issue("t1", "I-1", 3, "three")), 1, "{\"w\":99}");
    assertThat(retry.alreadyCommitted()).isTrue();
    assertThat(retry.outcome()).isInstanceOf(CommitOutcome.AlreadyCommitted.class);
    assertThat(retry.filesAdded()).isZero();
    assertThat(w.merge(List.of(issue("t1", "I-1", 3, "three")), 0, null).alreadyCommitted()).isTrue();
    assertThat(w.table().version()).isEqualTo(version).isEqualTo(first.tableVersion());
    assertThat(w.table().liveFiles()).isEqualTo(files);
    assertThat(table(w)).containsExactly(Map.entry("t1/I-1", List.of(row("t1", "I-1", 2, "two"))));
    assertThat(w.lastWatermark()).contains("{\"w\":1}");
    assertThat(new io.tenantlake.testkit.KernelTableReader(Map.of()).txnVersion(w.table().location(), "refined/issue"))
        .isEqualTo(1);
  }

  @Test
  void lastWatermarkWalksBackOverCommitsWithoutOne() {
    RefinedTableWriter w = open(issues("issue"));
    assertThat(w.lastWatermark()).isEmpty();
    w.merge(List.of(issue("t1", "I-1", 1, "one")), 0, "{\"raw/jira.issue\":{\"t1\":42}}");
    // A commit without a watermark: e.g. a compaction by another job.
    List<DataFile> files = w.table().liveFiles();
    w.table().commit(TableCommit.of(TableCommit.Kind.COMPACT).remove(files)
        .add(w.table().write(w.table().readAll(), 1 << 20)).build());
    // And a schema change.
    ModelSchema wider = new ModelSchema("issue", List.of(Column.required("issue_id", ColumnType.STRING),
        Column.required("summary", ColumnType.STRING), Column.optional("priority", ColumnType.INT),
        Column.optional("status", ColumnType.STRING)), List.of("issue_id"));
    open(wider);
    assertThat(w.lastWatermark()).contains("{\"raw/jira.issue\":{\"t1\":42}}");
  }

  @Test
  void newModelColumnsAreAppendedAndOldRowsReadThemAsNull() throws Exception {
    open(issues("issue")).merge(List.of(issue("t1", "I-1", 1, "one")), 0, null);
    ModelSchema wider = new ModelSchema("issue", List.of(Column.required("issue_id", ColumnType.STRING),
        Column.optional("status", ColumnType.STRING), Column.required("summary", ColumnType.STRING),
        Column.optional("priority", ColumnType.INT)), List.of("issue_id"));
    RefinedTableWriter w = open(wider);
    assertThat(w.table().schema().columnNames()).containsExactly("tenant_id", "issue_id", "summary", "priority",
        "_entity_id", "_version", "_deleted", "_event_id", "_updated_at", "status");
    w.merge(List.of(new EntityRows("t1", "jira.issue", "I-2", 1, false, "e", Instant.EPOCH,
        List.<Object[]>of(new Object[] {"I-2", "open", "two", 3}))), 1, null);
    assertThat(table(w)).containsExactly(
        Map.entry("t1/I-1", List.of(row("t1", "I-1", 1, "one"))),
        Map.entry("t1/I-2", List.of("{_deleted=false, _entity_id=I-2, _version=1, issue_id=I-2, priority=3, "
            + "status=open, summary=two, tenant_id=t1}")));
    // Reopening with the same model changes nothing.
    long version = w.table().version();
    open(wider);
    assertThat(w.table().version()).isEqualTo(version);
  }

  @Test
  void removedRenamedOrRetypedColumnsAreRefusedNamingTheModel() {
    open(issues("issue")).merge(List.of(issue("t1", "I-1", 1, "one")), 0, null);
    ModelSchema removed = new ModelSchema("issue", List.of(Column.required("issue_id", ColumnType.STRING),
        Column.required("summary", ColumnType.STRING)), List.of("issue_id"));
    assertThatThrownBy(() -> open(removed)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("model issue").hasMessageContaining("priority is no longer in the model");
    ModelSchema retyped = new ModelSchema("issue", List.of(Column.required("issue_id", ColumnType.STRING),
        Column.required("summary", ColumnType.STRING), Column.optional("priority", ColumnType.LONG)), List.of("issue_id"));
    assertThatThrownBy(() -> open(retyped)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("model issue").hasMessageContaining("priority changes type from INT to LONG");
  }

  @Test
  void anUpdateThatDoesNotFitTheModelFailsTheMergeBeforeAnyWrite() throws Exception {
    RefinedTableWriter w = open(issues("issue"));
    w.merge(List.of(issue("t1", "I-1", 1, "one")), 0, null);
    long version = w.table().version();
    EntityRows wrongType = new EntityRows("t1", "jira.issue", "I-2", 1, false, "e", Instant.EPOCH,
        List.<Object[]>of(new Object[] {"I-2", "two", "not an int"}));
    assertThatThrownBy(() -> w.merge(List.of(issue("t1", "I-3", 1, "x"), wrongType), 1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model issue, tenant t1, entity I-2").hasMessageContaining("priority");
    EntityRows nullKey = new EntityRows("t1", "jira.issue", "I-2", 1, false, "e", Instant.EPOCH,
        List.<Object[]>of(new Object[] {null, "two", 1}));
    assertThatThrownBy(() -> w.merge(List.of(nullKey), 1, null)).hasMessageContaining("key column issue_id is null");
    EntityRows arity = new EntityRows("t1", "jira.issue", "I-2", 1, false, "e", Instant.EPOCH,
        List.<Object[]>of(new Object[] {"I-2"}));
    assertThatThrownBy(() -> w.merge(List.of(arity), 1, null)).hasMessageContaining("1 values, the model 3 columns");
    assertThat(w.table().version()).isEqualTo(version);
    assertThat(w.lastTxnVersion()).isZero();
  }

  @Test
  void smallFilesOfAPartitionAreFoldedIntoItsRewrite() throws Exception {
    RefinedTableWriter w = RefinedTableWriter.open(storage(), issues("issue"),
        MergePolicy.defaults().withSmallFiles(8L << 20, 3));
    opened.add(w);
    // Inserts only: each merge adds a file to t1 until a fourth would exceed the limit.
    for (int i = 0; i < 3; i++) w.merge(List.of(issue("t1", "I-" + i, 1, "s" + i), issue("t2", "I-" + i, 1, "s")), i, null);
    assertThat(w.table().liveFiles(p -> p.get("tenant_id").equals("t1"))).hasSize(3);
    MergeReport fold = w.merge(List.of(issue("t1", "I-9", 1, "new")), 3, null);
    assertThat(fold.filesRead()).isEqualTo(3);
    assertThat(fold.filesRemoved()).isEqualTo(3);
    assertThat(fold.rowsCopied()).isEqualTo(3);
    assertThat(w.table().liveFiles(p -> p.get("tenant_id").equals("t1"))).hasSize(1);
    assertThat(w.table().liveFiles(p -> p.get("tenant_id").equals("t2"))).hasSize(3);
    assertThat(table(w)).hasSize(7);
  }

  @Test
  void aConcurrentRewriteOfATouchedPartitionMakesTheMergePlanAgain() throws Exception {
    RefinedTableWriter w = open(issues("issue"));
    w.merge(List.of(issue("t1", "I-1", 1, "one"), issue("t2", "I-1", 1, "one")), 0, null);
    DeltaTable t = w.table();
    // While a merge that only inserts into t1 runs, something else (a compaction) rewrites t1.
    AtomicBoolean interfered = new AtomicBoolean();
    Executor sneaky = task -> {
      if (interfered.compareAndSet(false, true)) {
        List<DataFile> t1 = t.liveFiles(p -> p.get("tenant_id").equals("t1"));
        List<io.tenantlake.engine.delta.Row> rows = new ArrayList<>();
        t1.forEach(f -> rows.addAll(t.read(f)));
        t.commit(TableCommit.of(TableCommit.Kind.COMPACT).remove(t1).add(t.write(rows, 1 << 20)).build());
      }
      ForkJoinPool.commonPool().execute(task);
    };
    RefinedTableWriter racing = RefinedTableWriter.open(storage(), issues("issue"), MergePolicy.defaults(), sneaky);
    // Two partitions, so that the merge hands one to a helper on the executor.
    // The first plan is stale (caught, not committed); the second, on the compacted snapshot, commits.
    MergeReport report = racing.merge(List.of(issue("t1", "I-2", 1, "new"), issue("t2", "I-2", 1, "new")), 1, null);
    assertThat(report.entitiesApplied()).isEqualTo(2);
    assertThat(interfered).isTrue();
    assertThat(w.lastTxnVersion()).isEqualTo(1);
    assertThat(table(w)).containsOnlyKeys("t1/I-1", "t2/I-1", "t1/I-2", "t2/I-2");
  }

  @Test
  void mergesCalledFromTheirOwnHelperPoolDoNotDeadlock() throws Exception {
    // Three tables merging at once on a two-thread pool that also serves as their helpers.
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      MergePolicy policy = MergePolicy.defaults().withWriteParallelism(8);
      List<RefinedTableWriter> writers = new ArrayList<>();
      for (String name : List.of("issue_a", "issue_b", "issue_c")) {
        writers.add(RefinedTableWriter.open(storage(), issues(name), policy, pool));
      }
      List<EntityRows> batch = new ArrayList<>();
      for (int t = 0; t < 20; t++) batch.add(issue("t" + t, "I-1", 1, "x"));
      List<CompletableFuture<MergeReport>> merges = new ArrayList<>();
      for (RefinedTableWriter w : writers) merges.add(CompletableFuture.supplyAsync(() -> w.merge(batch, 0, null), pool));
      for (CompletableFuture<MergeReport> m : merges) {
        assertThat(m.get(60, java.util.concurrent.TimeUnit.SECONDS).entitiesApplied()).isEqualTo(20);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailingPartitionFailsTheMergeAndCommitsNothing() throws Exception {
    RefinedTableWriter w = open(issues("issue"));
    w.merge(List.of(issue("t1", "I-1", 1, "one"), issue("t2", "I-1", 1, "one")), 0, null);
    // t1's file disappears underneath (a bad VACUUM): its partition cannot be merged.
    DataFile t1 = w.table().liveFiles(p -> p.get("tenant_id").equals("t1")).get(0);
    java.nio.file.Files.delete(Path.of(java.net.URI.create(w.table().location() + "/" + t1.path())));
    assertThatThrownBy(() -> w.merge(List.of(issue("t1", "I-1", 2, "two"), issue("t2", "I-1", 2, "two")), 1, null))
        .hasMessageContaining(t1.path().substring(t1.path().lastIndexOf('/') + 1));
    assertThat(w.lastTxnVersion()).isZero();
    assertThat(w.table().liveFiles()).hasSize(2);
  }

  @Test
  void rowsAreSortedByEntityWithinFiles() {
    RefinedTableWriter w = open(issues("issue"));
    List<EntityRows> batch = new ArrayList<>();
    for (int i = 99; i >= 0; i--) batch.add(issue("t1", String.format("I-%03d", i), 1, "s"));
    w.merge(batch, 0, null);
    DeltaTable t = w.table();
    List<DataFile> files = t.liveFiles();
    assertThat(files).hasSize(1);
    int idx = t.schema().indexOf("_entity_id");
    List<String> ids = t.read(files.get(0)).stream().map(r -> (String) r.get(idx)).toList();
    assertThat(ids).isSorted().hasSize(100);
    var stats = files.get(0).stats(t.schema());
    assertThat(stats.minValues().get("_entity_id")).isEqualTo("I-000");
    assertThat(stats.maxValues().get("_entity_id")).isEqualTo("I-099");
  }
}
