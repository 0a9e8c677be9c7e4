package io.tenantlake.engine.delta;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.Snapshot;
import io.delta.standalone.VersionLog;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.Metadata;
import io.delta.standalone.actions.RemoveFile;
import io.delta.standalone.data.CloseableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A read-only view of a table's past: the live files and metadata at any version the log still
 * holds, which version a timestamp falls on, and the files each commit added and removed. Readers
 * of shared tables use it; writers never do.
 */
public final class TableHistory {
  private final DeltaTable table;
  private final DeltaLog log;

  public TableHistory(DeltaTable table) {
    this.table = table;
    this.log = table.deltaLog();
  }

  /** The table's metadata at a version: id, schema as Delta JSON, partition columns, configuration. */
  public record TableMetadata(long version, String id, String schemaJson, List<String> partitionColumns,
      Map<String, String> configuration) {}

  /** One file added or removed by a commit. */
  public record FileChange(long version, long timestampMillis, boolean added, DataFile file) {}

  public long latestVersion() {
    return log.update().getVersion();
  }

  /**
   * The snapshot at a version; a version the log no longer holds (or never had) is a {@link
   * HistoryUnavailableException} naming the table.
   */
  private Snapshot snapshot(long version) {
    long latest = latestVersion();
    if (version < 0 || version > latest) {
      throw new HistoryUnavailableException("table " + table.name() + " has no version " + version + " (latest " + latest + ")");
    }
    try {
      return log.getSnapshotForVersionAsOf(version);
    } catch (RuntimeException e) {
      throw new HistoryUnavailableException("table " + table.name() + ": version " + version
          + " is no longer held by the log (" + e.getMessage() + ")");
    }
  }

  public TableMetadata metadata(long version) {
    Metadata m = snapshot(version).getMetadata();
    return new TableMetadata(version, m.getId(), m.getSchema().toJson(), m.getPartitionColumns(), m.getConfiguration());
  }

  /** The live files of a version whose partition values pass the filter. */
  public List<DataFile> liveFiles(long version, Predicate<Map<String, String>> partitionFilter) {
    return filesOf(snapshot(version), partitionFilter);
  }

  private List<DataFile> filesOf(Snapshot snap, Predicate<Map<String, String>> partitionFilter) {
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterator<AddFile> it = snap.scan().getFiles()) {
      while (it.hasNext()) {
        AddFile add = it.next();
        if (partitionFilter.test(add.getPartitionValues())) files.add(DataFile.of(add));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing files of table " + table.name() + " at version " + snap.getVersion(), e);
    }
    return files;
  }

  /** One snapshot's version, schema and the live files whose partition values pass a filter. */
  public record SnapshotFiles(long version, TableSchema schema, List<DataFile> files) {}

  /**
   * The latest snapshot's version, schema and filtered live files, all from the same snapshot: a
   * reader that takes them apart could pair one version's files with another's schema.
   */
  public SnapshotFiles current(Predicate<Map<String, String>> partitionFilter) {
    Snapshot snap = log.update();
    if (snap.getVersion() < 0) throw new HistoryUnavailableException("table " + table.name() + " does not exist");
    Metadata m = snap.getMetadata();
    TableSchema schema = TableSchema.fromDelta(m.getSchema(), m.getPartitionColumns());
    return new SnapshotFiles(snap.getVersion(), schema, filesOf(snap, partitionFilter));
  }

  /** When a version was committed (epoch ms). */
  public long timestampOf(long version) {
    try {
      return log.getCommitInfoAt(version).getTimestamp().getTime();
    } catch (RuntimeException e) {
      throw new HistoryUnavailableException("table " + table.name() + ": version " + version
          + " is no longer held by the log");
    }
  }

  /** The earliest version committed at or after the instant; empty when every commit is older. */
  public java.util.Optional<Long> versionAtOrAfter(long epochMillis) {
    long latest = latestVersion();
    if (latest < 0 || timestampOf(latest) < epochMillis) return java.util.Optional.empty();
    long lo = earliestVersion(), hi = latest;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (timestampOf(mid) >= epochMillis) hi = mid;
      else lo = mid + 1;
    }
    return java.util.Optional.of(lo);
  }

  /** The latest version committed at or before the instant; empty when every commit is newer. */
  public java.util.Optional<Long> versionAtOrBefore(long epochMillis) {
    long earliest = earliestVersion();
    long latest = latestVersion();
    if (latest < 0 || timestampOf(earliest) > epochMillis) return java.util.Optional.empty();
    long lo = earliest, hi = latest;
    while (lo < hi) {
      long mid = (lo + hi + 1) >>> 1;
      if (timestampOf(mid) <= epochMillis) lo = mid;
      else hi = mid - 1;
    }
    return java.util.Optional.of(lo);
  }

  /** The oldest version whose commit the log still holds (0 until log clean-up removes commits). */
  public long earliestVersion() {
    long latest = latestVersion();
    long lo = 0, hi = Math.max(latest, 0);
    // Held commits are a suffix of the versions: find its first element.
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (held(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private boolean held(long version) {
    try {
      log.getCommitInfoAt(version);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * The files that the commits from {@code fromVersion} to {@code toVersion} (both included) added
   * and removed in partitions that pass the filter, in commit order.
   */
  public List<FileChange> changes(long fromVersion, long toVersion, Predicate<Map<String, String>> partitionFilter) {
    long latest = latestVersion();
    if (fromVersion < 0 || fromVersion > latest) {
      throw new HistoryUnavailableException("table " + table.name() + " has no version " + fromVersion + " (latest " + latest + ")");
    }
    if (fromVersion < earliestVersion()) {
      throw new HistoryUnavailableException("table " + table.name() + ": version " + fromVersion
          + " is older than the history the log holds (from " + earliestVersion() + ")");
    }
    List<FileChange> out = new ArrayList<>();
    Iterator<VersionLog> it;
    try {
      it = log.getChanges(fromVersion, true);
    } catch (RuntimeException e) {
      throw new HistoryUnavailableException("table " + table.name() + ": the log since version " + fromVersion
          + " is not complete (" + e.getMessage() + ")");
    }
    while (it.hasNext()) {
      VersionLog v = it.next();
      if (v.getVersion() > toVersion) break;
      long ts = timestampOf(v.getVersion());
      for (Action a : v.getActions()) {
        if (a instanceof AddFile add && partitionFilter.test(add.getPartitionValues())) {
          out.add(new FileChange(v.getVersion(), ts, true, DataFile.of(add)));
        } else if (a instanceof RemoveFile rm
            && partitionFilter.test(rm.getPartitionValues() == null ? Map.of() : rm.getPartitionValues())) {
          out.add(new FileChange(v.getVersion(), ts, false, new DataFile(
              io.tenantlake.engine.delta.impl.PartitionPaths.fromLogPath(rm.getPath()), rm.getPartitionValues() == null ? Map.of() : rm.getPartitionValues(),
              rm.getSize().orElse(-1L), rm.getDeletionTimestamp().orElse(ts), -1, null)));
        }
      }
    }
    return out;
  }
}
