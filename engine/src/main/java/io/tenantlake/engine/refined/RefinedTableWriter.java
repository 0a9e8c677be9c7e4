package io.tenantlake.engine.refined;

import io.tenantlake.engine.delta.CommitOutcome;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaCommitException;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.FileRowCache;
import io.tenantlake.engine.delta.TableCommit;
import io.tenantlake.engine.delta.TableSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one {@code refined/<model>} table: merges batches of {@link EntityRows} into it, last
 * write wins per entity, copy-on-write, one Delta transaction per merge.
 *
 * <ul>
 *   <li>An update applies only if its version is greater than the entity's stored {@code _version};
 *       within one call only each entity's highest version counts. Equal or older: dropped.
 *   <li>An applied update replaces all rows of its entity ({@code _entity_id}); a deleted update, or
 *       one with no rows, leaves one tombstone row ({@code _deleted}, model columns null) that keeps
 *       the version, so that older late events cannot bring the entity back.
 *   <li>Only the touched tenants' partitions are listed, and within them only files whose
 *       {@code _entity_id} statistics can hold a batch entity are read; only files that hold a
 *       changed entity are rewritten. New entities join the partition's rewrite, or a new file when
 *       nothing is rewritten. A partition that would keep more than {@link MergePolicy#maxSmallFiles()}
 *       small files gets them folded into its rewrite. Output rows are sorted by {@code _entity_id}.
 *   <li>All removes and adds commit in one transaction with txn ({@code refined/<model>},
 *       txnVersion): a retried merge is {@link CommitOutcome.AlreadyCommitted}. The commit's
 *       metadata carries the caller's watermark ({@link #lastWatermark()}) and the report's counts;
 *       it reads every touched partition, so a concurrent rewrite of one fails the commit.
 * </ul>
 *
 * <p>One writer per table in the cluster; {@link #merge} calls are serialised. Blocking: call it
 * from a dispatcher for blocking IO. Partitions are merged by the calling thread plus up to
 * {@link MergePolicy#writeParallelism()} - 1 helpers on the executor given (or on a pool that the
 * writer owns and {@link #close()}s). The executor may be the one merge is called on: a merge never
 * waits for a helper that has not started.
 */
public final class RefinedTableWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RefinedTableWriter.class);
  static final String WATERMARK_KEY = "watermark";
  private static final int MAX_MERGE_ATTEMPTS = 5;

  private final ModelSchema model;
  private final DeltaTable table;
  private final TableSchema schema;
  private final MergePolicy policy;
  private final Executor executor;
  private final ExecutorService ownedPool;
  private final String appId;
  private final UpdateRows updateRows;

  private RefinedTableWriter(ModelSchema model, DeltaTable table, MergePolicy policy, Executor executor,
      ExecutorService ownedPool) {
    this.model = model;
    this.table = table;
    this.schema = table.schema();
    this.policy = policy;
    this.executor = executor;
    this.ownedPool = ownedPool;
    this.appId = RefinedTables.tableName(model);
    this.updateRows = new UpdateRows(model, schema);
  }

  /** Opens the model's table with the default policy and a pool of its own. */
  public static RefinedTableWriter open(DeltaStorage storage, ModelSchema model) {
    return open(storage, model, MergePolicy.defaults());
  }

  /** Opens the model's table; partitions are merged on a pool of the policy's parallelism, owned by the writer. */
  public static RefinedTableWriter open(DeltaStorage storage, ModelSchema model, MergePolicy policy) {
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, policy.writeParallelism() - 1), r -> {
      Thread t = new Thread(r, "refined-" + model.name() + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      return open(storage, model, policy, pool, pool);
    } catch (RuntimeException e) {
      pool.shutdown();
      throw e;
    }
  }

  /**
   * Opens the model's table, creating it, or adding the model's new columns to it. A column that
   * the model removed, renamed or retyped is an {@link IllegalStateException} naming the model.
   *
   * @param executor where helpers merge partitions (blocking IO); it may be the pool merge is called on
   */
  public static RefinedTableWriter open(DeltaStorage storage, ModelSchema model, MergePolicy policy, Executor executor) {
    return open(storage, model, policy, executor, null, FileRowCache.disabled());
  }

  /**
   * As {@link #open(DeltaStorage, ModelSchema, MergePolicy, Executor)}, keeping the rows of the
   * files it writes in {@code cache}: the next merge into those partitions then reads nothing back
   * from the store (the writer is the table's only writer, so its own files are what is live).
   */
  public static RefinedTableWriter open(DeltaStorage storage, ModelSchema model, MergePolicy policy, Executor executor,
      FileRowCache cache) {
    return open(storage, model, policy, executor, null, cache);
  }

  private static RefinedTableWriter open(DeltaStorage storage, ModelSchema model, MergePolicy policy,
      Executor executor, ExecutorService owned) {
    return open(storage, model, policy, executor, owned, FileRowCache.disabled());
  }

  private static RefinedTableWriter open(DeltaStorage storage, ModelSchema model, MergePolicy policy,
      Executor executor, ExecutorService owned, FileRowCache cache) {
    DeltaTable table = DeltaTable.at(storage, RefinedTables.tableName(model)).cachingRowsIn(cache);
    TableSchema wanted = table.exists() ? RefinedTables.evolve(table.schema(), model) : RefinedTables.schema(model);
    table.createIfMissing(wanted, Map.of());
    return new RefinedTableWriter(model, table, policy, executor, owned);
  }

  public ModelSchema model() { return model; }
  public DeltaTable table() { return table; }
  public MergePolicy policy() { return policy; }

  /** The txn application id of this table's merges: {@code refined/<model>}. */
  public String appId() { return appId; }

  /** The txn version of the last merge committed, -1 when none. */
  public long lastTxnVersion() {
    return table.lastTxnVersion(appId);
  }

  /**
   * Merges the updates in one commit, unless txn {@code txnVersion} is already committed (then
   * nothing is written and the report says so).
   *
   * @param watermarkJson how far into the raw tables this merge has applied (recorded in the
   *     commit, returned by {@link #lastWatermark()}); null records none
   * @throws IllegalArgumentException for an update that does not fit the model (nothing is written)
   * @throws DeltaCommitException when concurrent commits rewrote a touched partition during
   *     each of several attempts
   */
  public synchronized MergeReport merge(List<EntityRows> updates, long txnVersion, String watermarkJson) {
    // A compaction or tombstone purge (io.tenantlake.engine.maintenance) may rewrite a partition
    // while the merge reads it: the plan is then stale, and made again on the new snapshot. The
    // files the lost attempt wrote are never committed; VACUUM deletes them after its retention.
    for (int attempt = 1; ; attempt++) {
      try {
        return mergeOnce(updates, txnVersion, watermarkJson);
      } catch (DeltaCommitException e) {
        if (attempt >= MAX_MERGE_ATTEMPTS) throw e;
        log.info("table {}: merge txn {} attempt {} lost a race with a rewrite, merging again: {}", appId, txnVersion,
            attempt, e.getMessage());
      }
    }
  }

  private MergeReport mergeOnce(List<EntityRows> updates, long txnVersion, String watermarkJson) {
    long started = System.nanoTime();
    long committed = table.lastTxnVersion(appId);
    if (committed >= txnVersion) {
      return skipped(txnVersion, new CommitOutcome.AlreadyCommitted(appId, txnVersion, committed), started);
    }
    // Validate everything before any IO; keep each entity's highest version.
    Map<String, TreeMap<String, PartitionMerge.Update>> byTenant = new HashMap<>();
    int superseded = 0;
    for (EntityRows e : updates) {
      PartitionMerge.Update u = updateRows.of(e);
      TreeMap<String, PartitionMerge.Update> tenant = byTenant.computeIfAbsent(e.tenantId(), t -> new TreeMap<>());
      PartitionMerge.Update prev = tenant.get(u.entityId());
      if (prev != null) {
        superseded++;
        if (prev.version() >= u.version()) continue;
      }
      tenant.put(u.entityId(), u);
    }

    Predicate<Map<String, String>> touched = p -> byTenant.containsKey(p.get(RefinedTables.TENANT_ID));
    long listedVersion = table.version();
    List<DataFile> listed = table.liveFiles(touched);
    Map<String, List<DataFile>> files = new HashMap<>();
    for (DataFile f : listed) {
      files.computeIfAbsent(f.partitionValues().get(RefinedTables.TENANT_ID), t -> new ArrayList<>()).add(f);
    }
    long listedAt = System.nanoTime();
    // Largest partitions first, so that one big tenant does not finish last alone.
    List<String> tenants = new ArrayList<>(byTenant.keySet());
    tenants.sort(Comparator.comparingLong((String t) ->
        files.getOrDefault(t, List.of()).stream().mapToLong(DataFile::sizeBytes).sum()).reversed());
    String purged = table.properties().get(RefinedTables.PURGED_BEFORE);
    PartitionMerge partitionMerge = new PartitionMerge(table, schema, policy,
        purged == null ? Long.MIN_VALUE : Long.parseLong(purged));
    List<PartitionMerge.Result> results = runAll(tenants.size(),
        i -> partitionMerge.run(files.getOrDefault(tenants.get(i), List.of()), byTenant.get(tenants.get(i))));
    List<DataFile> removes = new ArrayList<>();
    List<DataFile> adds = new ArrayList<>();
    int applied = 0;
    int stale = superseded;
    long rowsWritten = 0;
    long rowsCopied = 0;
    int filesRead = 0;
    int filesSkipped = 0;
    List<MergeReport.TooLate> tooLate = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      PartitionMerge.Result r = results.get(i);
      String tenant = tenants.get(i);
      r.tooLate().forEach(u -> tooLate.add(new MergeReport.TooLate(tenant, u.entityId(), u.version(), u.updatedAt())));
      removes.addAll(r.removes());
      adds.addAll(r.adds());
      applied += r.applied();
      stale += r.stale();
      rowsWritten += r.rowsWritten();
      rowsCopied += r.rowsCopied();
      filesRead += r.filesRead();
      filesSkipped += r.filesSkipped();
    }

    long mergedAt = System.nanoTime();
    checkUnchanged(listedVersion, listed, touched);
    TableCommit.Builder commit = TableCommit.of(TableCommit.Kind.MERGE).remove(removes).add(adds)
        .txn(appId, txnVersion)
        .parameter("predicate", "last write wins on (tenant_id, _entity_id) by _version")
        .parameter("mode", "CopyOnWrite");
    tenants.forEach(t -> commit.readPartition(Map.of(RefinedTables.TENANT_ID, t)));
    if (watermarkJson != null) commit.metadata(WATERMARK_KEY, watermarkJson);
    commit.metadata("entitiesApplied", Integer.toString(applied))
        .metadata("entitiesDroppedStale", Integer.toString(stale))
        .metadata("rowsWritten", Long.toString(rowsWritten))
        .metadata("rowsCopied", Long.toString(rowsCopied))
        .metadata("filesRead", Integer.toString(filesRead))
        .metadata("filesSkipped", Integer.toString(filesSkipped));
    CommitOutcome outcome = table.commit(commit.build());
    if (outcome instanceof CommitOutcome.AlreadyCommitted) {
      // Another writer committed this txn while we merged: our files are orphans for VACUUM.
      log.warn("table {}: txn {} was committed by someone else during the merge; {} written files are unused",
          appId, txnVersion, adds.size());
      return skipped(txnVersion, outcome, started);
    }
    long version = ((CommitOutcome.Committed) outcome).version();
    if (log.isDebugEnabled()) {
      log.debug("{} merge txn {}: {} partitions; list {} ms, read+write {} ms, check+commit {} ms", appId, txnVersion,
          tenants.size(), (listedAt - started) / 1_000_000, (mergedAt - listedAt) / 1_000_000,
          (System.nanoTime() - mergedAt) / 1_000_000);
    }
    MergeReport report = new MergeReport(appId, txnVersion, outcome, applied, stale, rowsWritten, rowsCopied,
        filesRead, filesSkipped, removes.size(), adds.size(), version, (System.nanoTime() - started) / 1_000_000, tooLate);
    log.info(report.line());
    return report;
  }

  /**
   * Runs tasks 0..n-1, up to the policy's parallelism at once: the calling thread works through
   * them, helped by up to parallelism - 1 helpers on the executor. The caller never waits for a
   * helper that has not started, so a merge called from the executor's own threads (even all of
   * them) cannot deadlock: it then runs its partitions itself. The first failure is thrown once
   * no task runs any more.
   */
  private <T> List<T> runAll(int n, java.util.function.IntFunction<T> task) {
    Object[] results = new Object[n];
    AtomicInteger next = new AtomicInteger();
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(n);
    java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
    Runnable worker = () -> {
      for (int i; (i = next.getAndIncrement()) < n; done.countDown()) {
        if (failure.get() != null) continue;
        try {
          results[i] = task.apply(i);
        } catch (RuntimeException | Error e) {
          failure.compareAndSet(null, e instanceof RuntimeException re ? re : new IllegalStateException(e));
        }
      }
    };
    for (int h = 1; h < Math.min(policy.writeParallelism(), n); h++) {
      try {
        executor.execute(worker);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        break;
      }
    }
    worker.run();
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("table " + appId + ": interrupted while merging partitions", e);
    }
    if (failure.get() != null) throw failure.get();
    List<T> out = new ArrayList<>(n);
    for (Object r : results) {
      @SuppressWarnings("unchecked") T t = (T) r;
      out.add(t);
    }
    return out;
  }

  /**
   * The commit's own transaction starts at commit time, so its read partitions only catch commits
   * made during the commit itself: a commit into a touched partition while the merge read and
   * wrote (a compaction, a second writer) is caught here, by listing those partitions again (only
   * when the table has moved since the listing: with one writer, it has not).
   */
  private void checkUnchanged(long listedVersion, List<DataFile> listed, Predicate<Map<String, String>> touched) {
    if (table.version() == listedVersion) return;
    Set<String> before = new HashSet<>();
    listed.forEach(f -> before.add(f.path()));
    Set<String> now = new HashSet<>();
    Set<String> changed = new TreeSet<>();
    for (DataFile f : table.liveFiles(touched)) {
      now.add(f.path());
      if (!before.contains(f.path())) changed.add(f.partitionValues().get(RefinedTables.TENANT_ID));
    }
    for (DataFile f : listed) {
      if (!now.contains(f.path())) changed.add(f.partitionValues().get(RefinedTables.TENANT_ID));
    }
    if (!changed.isEmpty()) {
      throw new DeltaCommitException("table " + appId + ": partitions of tenants " + changed
          + " changed while the merge ran (a concurrent rewrite or compaction); its plan is stale, merge again");
    }
  }

  private MergeReport skipped(long txnVersion, CommitOutcome outcome, long started) {
    MergeReport report = new MergeReport(appId, txnVersion, outcome, 0, 0, 0, 0, 0, 0, 0, 0, table.version(),
        (System.nanoTime() - started) / 1_000_000, List.of());
    log.info(report.line());
    return report;
  }

  /**
   * The watermark of the latest commit that recorded one (commits without one, such as schema
   * changes or compactions, are walked over); empty for a table no merge has committed to yet.
   */
  public Optional<String> lastWatermark() {
    for (long v = table.version(); v >= 0; v--) {
      Optional<String> meta;
      try {
        meta = table.commitMetadata(v);
      } catch (RuntimeException e) {
        // The log before a checkpoint may be cleaned up: nothing older to find.
        log.warn("table {}: cannot read commit {} while looking for a watermark: {}", appId, v, e.toString());
        return Optional.empty();
      }
      if (meta.isEmpty()) continue;
      Optional<String> w = RefinedTables.watermarkOf(meta.get());
      if (w.isPresent()) return w;
    }
    return Optional.empty();
  }

  /** Shuts down the pool the writer owns, if it owns one. */
  @Override
  public void close() {
    if (ownedPool != null) ownedPool.shutdown();
  }
}
