package io.tenantlake.engine.delta;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.Snapshot;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.Metadata;
import io.delta.standalone.data.CloseableIterator;
import io.delta.standalone.exceptions.ConcurrentTransactionException;
import io.delta.standalone.exceptions.DeltaConcurrentModificationException;
import io.tenantlake.engine.delta.impl.CommitActions;
import io.tenantlake.engine.delta.impl.ParquetFiles;
import io.tenantlake.engine.delta.impl.PartitionPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Delta table: create it, write data files, commit them (appends and copy-on-write rewrites)
 * exactly once per application transaction, list its live files and read them back.
 *
 * <p>Not thread-safe for commits: the cluster keeps one committer per table, and this class is
 * what that committer holds.
 */
public final class DeltaTable {
  private static final Logger log = LoggerFactory.getLogger(DeltaTable.class);
  static final String ENGINE_INFO = "tenantlake/0.1";
  private static final int MAX_ATTEMPTS = 5;
  /**
   * Hadoop's local file system has no put-if-absent (a rename over an existing file replaces it, the
   * file and its .crc separately), so two writers of one local table in a JVM could both write the
   * same version: their log writes take turns here. S3's log store keeps such a lock itself.
   */
  private static final java.util.concurrent.ConcurrentHashMap<String, Object> LOCAL_LOG_WRITES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final String name;
  private final DeltaStorage storage;
  private final String location;
  private final DeltaLog deltaLog;
  private volatile TableSchema schema;
  private volatile FileRowCache rowCache = FileRowCache.disabled();

  private DeltaTable(DeltaStorage storage, String name) {
    this.name = name;
    this.storage = storage;
    this.location = storage.tableLocation(name);
    this.deltaLog = DeltaLog.forTable(storage.hadoopConfiguration(), location);
  }

  /** The table called {@code name} (e.g. {@code raw/jira.issue}) under the storage root; it may not exist yet. */
  public static DeltaTable at(DeltaStorage storage, String name) {
    return new DeltaTable(storage, name);
  }

  /**
   * Keeps the rows of files this table writes and reads in the cache, and reads from it: for a
   * table that rewrites its own recent files (copy-on-write merges), not for append-only tables.
   */
  public DeltaTable cachingRowsIn(FileRowCache cache) {
    this.rowCache = java.util.Objects.requireNonNull(cache, "cache");
    return this;
  }

  public String name() { return name; }
  public String location() { return location; }

  /** The table's log, for the read-only views of its history ({@link TableHistory}). */
  DeltaLog deltaLog() { return deltaLog; }

  public boolean exists() {
    return deltaLog.update().getVersion() >= 0;
  }

  /**
   * Creates the table with this schema if it does not exist. An existing table must have the same
   * schema, or one that this schema extends with nullable columns (then the new columns are added).
   */
  public synchronized DeltaTable createIfMissing(TableSchema wanted, Map<String, String> properties) {
    Snapshot snap = deltaLog.update();
    if (snap.getVersion() >= 0) {
      TableSchema existing = schemaOf(snap);
      if (existing.equals(wanted)) {
        schema = existing;
        return this;
      }
      if (!existing.canEvolveTo(wanted)) {
        throw new IllegalStateException("table " + name + " has schema " + existing.columnNames()
            + " partitioned by " + existing.partitionColumns() + "; cannot change it to "
            + wanted.columnNames() + " (only appending nullable columns is supported)");
      }
      OptimisticTransaction txn = deltaLog.startTransaction();
      txn.updateMetadata(txn.metadata().copyBuilder().schema(wanted.toDelta()).build());
      txn.commit(List.<Action>of(), CommitActions.operation(TableCommit.Kind.APPEND, "ADD_COLUMNS",
          Map.of("columns", wanted.columnNames().toString()), Map.of()), ENGINE_INFO);
      log.info("table {}: added columns, schema now {}", name, wanted.columnNames());
      schema = wanted;
      return this;
    }
    Metadata metadata = Metadata.builder()
        .id(UUID.randomUUID().toString())
        .name(name.replace('/', '_'))
        .schema(wanted.toDelta())
        .partitionColumns(wanted.partitionColumns())
        .configuration(properties)
        .createdTime(System.currentTimeMillis())
        .build();
    OptimisticTransaction txn = deltaLog.startTransaction();
    txn.updateMetadata(metadata);
    try {
      txn.commit(List.<Action>of(), CommitActions.createOperation(wanted), ENGINE_INFO);
      log.info("table {}: created at {} partitioned by {}", name, location, wanted.partitionColumns());
    } catch (DeltaConcurrentModificationException e) {
      // Another node created it at the same moment: fine if it is the same table.
      return createIfMissing(wanted, properties);
    }
    schema = wanted;
    return this;
  }

  public TableSchema schema() {
    TableSchema s = schema;
    if (s == null) {
      Snapshot snap = deltaLog.update();
      if (snap.getVersion() < 0) throw new IllegalStateException("table " + name + " does not exist at " + location);
      s = schema = schemaOf(snap);
    }
    return s;
  }

  private static TableSchema schemaOf(Snapshot snap) {
    return TableSchema.fromDelta(snap.getMetadata().getSchema(), snap.getMetadata().getPartitionColumns());
  }

  /**
   * The table properties (Delta configuration) of the snapshot the log last loaded: no IO of its
   * own, as fresh as the latest {@link #version()} or listing.
   */
  public Map<String, String> properties() {
    return deltaLog.snapshot().getMetadata().getConfiguration();
  }

  /** The latest committed table version, -1 when the table does not exist. */
  public long version() {
    return deltaLog.update().getVersion();
  }

  /** The last version committed for an application id ({@code txn} action), -1 when none. */
  public long lastTxnVersion(String appId) {
    return deltaLog.startTransaction().txnVersion(appId);
  }

  /** The user metadata (a JSON object as text) of a commit, if it has any. */
  public Optional<String> commitMetadata(long version) {
    return deltaLog.getCommitInfoAt(version).getUserMetadata();
  }

  /** When a commit was made, by the committing writer's clock (epoch milliseconds). */
  public long commitTimestampMillis(long version) {
    return deltaLog.getCommitInfoAt(version).getTimestamp().getTime();
  }

  public List<DataFile> liveFiles() {
    return liveFiles(p -> true);
  }

  /** The live files whose partition values pass the filter, from the latest snapshot. */
  public List<DataFile> liveFiles(Predicate<Map<String, String>> partitionFilter) {
    List<DataFile> files = new ArrayList<>();
    Snapshot snap = deltaLog.update();
    try (CloseableIterator<AddFile> it = snap.scan().getFiles()) {
      while (it.hasNext()) {
        AddFile add = it.next();
        if (partitionFilter.test(add.getPartitionValues())) files.add(DataFile.of(add));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing files of table " + name, e);
    }
    return files;
  }

  /**
   * The live files that commits after {@code version} added, read from the log's commits since
   * then rather than from the whole snapshot; empty when the log no longer holds all of them
   * (cleaned up after a checkpoint): then the caller must look at every live file.
   */
  public Optional<List<DataFile>> liveFilesAddedAfter(long version) {
    long latest = version();
    if (version >= latest) return Optional.of(List.of());
    Set<String> added = new HashSet<>();
    try {
      java.util.Iterator<io.delta.standalone.VersionLog> changes = deltaLog.getChanges(version + 1, true);
      while (changes.hasNext()) {
        io.delta.standalone.VersionLog v = changes.next();
        if (v.getVersion() > latest) break;
        for (Action a : v.getActions()) {
          if (a instanceof AddFile add) added.add(PartitionPaths.fromLogPath(add.getPath()));
        }
      }
    } catch (RuntimeException e) {
      log.info("table {}: the log since version {} is not complete ({}); listing every live file", name, version,
          e.toString());
      return Optional.empty();
    }
    List<DataFile> out = new ArrayList<>();
    for (DataFile f : liveFiles()) {
      if (added.contains(f.path())) out.add(f);
    }
    return Optional.of(out);
  }

  /**
   * Writes rows as new data files, one or more per partition, each up to about
   * {@code targetFileBytes}. Nothing is visible until the files are committed.
   */
  public List<DataFile> write(List<Row> rows, long targetFileBytes) {
    return write(rows, targetFileBytes, Runnable::run);
  }

  /**
   * As {@link #write(List, long)}, the partitions' files written concurrently on {@code executor}:
   * object stores answer each upload with a latency that parallel uploads hide.
   */
  public List<DataFile> write(List<Row> rows, long targetFileBytes, java.util.concurrent.Executor executor) {
    TableSchema s = schema();
    Map<Map<String, String>, List<Object[]>> byPartition = new LinkedHashMap<>();
    int[] dataIdx = s.dataColumns().stream().mapToInt(c -> s.indexOf(c.name())).toArray();
    for (Row row : rows) {
      s.check(row);
      Object[] data = new Object[dataIdx.length];
      for (int i = 0; i < dataIdx.length; i++) data[i] = row.get(dataIdx[i]);
      byPartition.computeIfAbsent(s.partitionValuesOf(row), k -> new ArrayList<>()).add(data);
    }
    ParquetFiles parquet = new ParquetFiles(s.dataColumns(), storage.hadoopConfiguration());
    long now = System.currentTimeMillis();
    List<java.util.concurrent.CompletableFuture<List<DataFile>>> parts = new ArrayList<>();
    byPartition.forEach((partition, data) -> parts.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      String dir = PartitionPaths.directory(s.partitionColumns(), partition);
      Path dirPath = dir.isEmpty() ? new Path(location) : new Path(location, dir);
      List<DataFile> files = new ArrayList<>();
      int from = 0;
      for (ParquetFiles.Written w : parquet.write(dirPath, data.iterator(), targetFileBytes,
          () -> "part-" + UUID.randomUUID() + ".c000.snappy.parquet")) {
        String rel = (dir.isEmpty() ? "" : dir + "/") + w.path().getName();
        files.add(new DataFile(rel, partition, w.sizeBytes(), now, w.stats().numRecords(), w.stats().toJson()));
        // Files are filled in order from the iterator: this one holds the next numRecords rows.
        int to = from + (int) w.stats().numRecords();
        rowCache.put(w.path().toString(), data.subList(from, to));
        from = to;
      }
      return files;
    }, executor)));
    List<DataFile> out = new ArrayList<>();
    for (var part : parts) {
      try {
        out.addAll(part.join());
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    return out;
  }

  /** Reads a data file's rows, partition values filled in from the log. */
  public List<Row> read(DataFile file) {
    TableSchema s = schema();
    ParquetFiles parquet = new ParquetFiles(s.dataColumns(), storage.hadoopConfiguration());
    int[] dataIdx = s.dataColumns().stream().mapToInt(c -> s.indexOf(c.name())).toArray();
    List<Row> rows = new ArrayList<>();
    Path path = new Path(location, file.path());
    List<Object[]> cached = rowCache.get(path.toString()).orElse(null);
    // Rows cached before a column was added are shorter: read the file again.
    if (cached == null || (!cached.isEmpty() && cached.get(0).length != dataIdx.length)) {
      cached = parquet.read(path);
      rowCache.put(path.toString(), cached);
    }
    for (Object[] data : cached) {
      Object[] values = new Object[s.columns().size()];
      for (int i = 0; i < dataIdx.length; i++) values[dataIdx[i]] = data[i];
      for (String p : s.partitionColumns()) values[s.indexOf(p)] = file.partitionValues().get(p);
      rows.add(Row.wrap(values));
    }
    return rows;
  }

  /**
   * Reads some columns of a data file (data or partition columns, values in the order asked),
   * bypassing the row cache: for scans of a few columns over many files.
   */
  public List<Object[]> readColumns(DataFile file, List<String> columns) {
    TableSchema s = schema();
    List<String> data = columns.stream().filter(c -> !s.partitionColumns().contains(c)).toList();
    ParquetFiles parquet = new ParquetFiles(s.dataColumns(), storage.hadoopConfiguration());
    List<Object[]> read = parquet.readColumns(new Path(location, file.path()), data);
    List<Object[]> out = new ArrayList<>(read.size());
    for (Object[] values : read) {
      Object[] row = new Object[columns.size()];
      int d = 0;
      for (int i = 0; i < row.length; i++) {
        String c = columns.get(i);
        row[i] = s.partitionColumns().contains(c) ? file.partitionValues().get(c) : values[d++];
      }
      out.add(row);
    }
    return out;
  }

  private long logWrite(OptimisticTransaction txn, TableCommit commit) {
    if (location.startsWith("s3")) {
      return txn.commit(CommitActions.actions(commit), CommitActions.operation(commit), ENGINE_INFO).getVersion();
    }
    synchronized (LOCAL_LOG_WRITES.computeIfAbsent(location, l -> new Object())) {
      return txn.commit(CommitActions.actions(commit), CommitActions.operation(commit), ENGINE_INFO).getVersion();
    }
  }

  /** Every live row; for tests and small tables. */
  public List<Row> readAll() {
    List<Row> rows = new ArrayList<>();
    for (DataFile f : liveFiles()) rows.addAll(read(f));
    return rows;
  }

  /**
   * Commits files and txn positions in one Delta transaction. Returns {@link
   * CommitOutcome.AlreadyCommitted} without writing when a txn of the commit is already at or past
   * its version. Blind appends are retried on concurrent modification; a rewrite whose read
   * partitions changed underneath it, or whose removed files are no longer live, fails with
   * {@link DeltaCommitException}: its plan is stale and must be made again.
   */
  public synchronized CommitOutcome commit(TableCommit commit) {
    long started = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      OptimisticTransaction txn = deltaLog.startTransaction();
      long opened = System.nanoTime();
      Optional<CommitOutcome> done = CommitActions.alreadyCommitted(name, txn, commit.txns());
      if (done.isPresent()) {
        log.info("table {}: skipping commit, {}", name, done.get());
        return done.get();
      }
      boolean compaction = commit.kind() == TableCommit.Kind.COMPACT;
      if (compaction || !commit.readPartitions().isEmpty() || !commit.removes().isEmpty()) {
        Set<String> live = new HashSet<>();
        // A compaction reads nothing that an append could change: it only needs its removed files
        // still live, checked on a snapshot at least as new as the transaction's (a removal after
        // that is Delta's delete/delete conflict).
        (compaction ? CommitActions.livePaths(deltaLog.update(), schema(), commit)
            : CommitActions.markRead(txn, schema(), commit)).forEach(live::add);
        for (DataFile r : commit.removes()) {
          if (!live.contains(PartitionPaths.toLogPath(r.path()))) {
            throw new DeltaCommitException("table " + name + ": file " + r.path()
                + " to remove is no longer live (a concurrent rewrite or compaction removed it)");
          }
        }
      }
      try {
        long checked = System.nanoTime();
        long version = logWrite(txn, commit);
        // Removed files are never read again: their rows would only push out live ones.
        for (DataFile r : commit.removes()) rowCache.invalidate(new Path(location, r.path()).toString());
        long now = System.nanoTime();
        log.info("table {}: committed version {} ({}, +{} -{} files, txns {}) in {} ms (snapshot {}, checks {}, log write {})",
            name, version, commit.kind(), commit.adds().size(), commit.removes().size(), commit.txns(),
            (now - started) / 1_000_000, (opened - started) / 1_000_000, (checked - opened) / 1_000_000,
            (now - checked) / 1_000_000);
        return new CommitOutcome.Committed(version, commit.adds().size(), commit.removes().size(), attempt);
      } catch (ConcurrentTransactionException e) {
        // Someone committed the same appId: the next attempt re-reads it and may find ours done.
        if (attempt >= MAX_ATTEMPTS) throw conflict(commit, attempt, e);
      } catch (DeltaConcurrentModificationException e) {
        boolean blindAppend = commit.removes().isEmpty() && commit.readPartitions().isEmpty();
        if (!blindAppend || attempt >= MAX_ATTEMPTS) throw conflict(commit, attempt, e);
        log.warn("table {}: commit attempt {} lost a race ({}), retrying", name, attempt, e.getClass().getSimpleName());
      }
    }
  }

  private DeltaCommitException conflict(TableCommit commit, int attempt, RuntimeException e) {
    return new DeltaCommitException("table " + name + ": " + commit.kind() + " commit failed after "
        + attempt + " attempt(s), read partitions " + commit.readPartitions() + ": " + e.getMessage(), e);
  }

  @Override
  public String toString() {
    return "DeltaTable[" + name + " at " + location + "]";
  }
}
