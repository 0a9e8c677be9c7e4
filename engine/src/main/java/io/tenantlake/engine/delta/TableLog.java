package io.tenantlake.engine.delta;

import io.delta.standalone.DeltaLog;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.RemoveFile;
import io.delta.standalone.internal.DeltaLogImpl;
import io.tenantlake.engine.delta.impl.CommitActions;
import io.tenantlake.engine.delta.impl.PartitionPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A table's {@code _delta_log} seen as files, for table care: its commits and checkpoints as
 * stored, the table properties, writing a checkpoint, deleting old log files, and the tombstones
 * (removed files) the latest snapshot remembers. Only the writer node uses it, beside the writer.
 */
public final class TableLog {
  private static final Pattern LOG_FILE = Pattern.compile("(\\d{20})\\.(json|checkpoint\\.parquet|checkpoint\\.\\d+\\.\\d+\\.parquet)");

  /** One file of the log: a commit (json) or a checkpoint (or a part of a multi-part one). */
  public record LogFile(long version, boolean checkpoint, String name, long sizeBytes, long modificationTime) {}

  /** A file removed from the table that the latest snapshot still remembers, and when it was removed. */
  public record Tombstone(String path, long deletionTimestamp, long sizeBytes) {}

  private final DeltaTable table;
  private final DeltaLog log;
  private final Path logDir;
  private final org.apache.hadoop.conf.Configuration conf;

  public TableLog(DeltaTable table, DeltaStorage storage) {
    this.table = table;
    this.log = table.deltaLog();
    this.logDir = new Path(table.location(), "_delta_log");
    this.conf = storage.hadoopConfiguration();
  }

  public DeltaTable table() { return table; }

  /** The table's configuration (Delta table properties) at the latest version. */
  public Map<String, String> properties() {
    return log.update().getMetadata().getConfiguration();
  }

  /**
   * Sets these table properties (others are kept) in one metadata commit, when any differs.
   * Returns whether it committed.
   */
  public boolean setProperties(Map<String, String> wanted) {
    for (int attempt = 1; ; attempt++) {
      OptimisticTransaction txn = log.startTransaction();
      Map<String, String> current = txn.metadata().getConfiguration();
      Map<String, String> next = new HashMap<>(current);
      next.putAll(wanted);
      if (next.equals(current)) return false;
      txn.updateMetadata(txn.metadata().copyBuilder().configuration(next).build());
      try {
        txn.commit(List.<Action>of(), CommitActions.operation(TableCommit.Kind.COMPACT, "SET_TBLPROPERTIES",
            Map.of("properties", wanted.toString()), Map.of("maintenance", "properties")), DeltaTable.ENGINE_INFO);
        return true;
      } catch (io.delta.standalone.exceptions.DeltaConcurrentModificationException e) {
        // Another metadata change won: apply ours on top of it.
        if (attempt >= 5) throw new DeltaCommitException("table " + table.name() + ": cannot set properties " + wanted, e);
      }
    }
  }

  /** Writes a checkpoint of the latest version now (readers then start from it). Returns its version. */
  public long checkpoint() {
    DeltaLogImpl impl = (DeltaLogImpl) log;
    var snapshot = impl.update();
    impl.checkpoint(snapshot);
    return snapshot.getVersion();
  }

  /** The log's commit and checkpoint files as stored, by version (checkpoints after the commit of their version). */
  public List<LogFile> files() {
    List<LogFile> out = new ArrayList<>();
    try {
      FileSystem fs = logDir.getFileSystem(conf);
      if (!fs.exists(logDir)) return out;
      for (FileStatus s : fs.listStatus(logDir)) {
        Matcher m = LOG_FILE.matcher(s.getPath().getName());
        if (!s.isFile() || !m.matches()) continue;
        out.add(new LogFile(Long.parseLong(m.group(1)), !m.group(2).equals("json"), s.getPath().getName(), s.getLen(),
            s.getModificationTime()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("table " + table.name() + ": cannot list " + logDir + ": " + e.getMessage(), e);
    }
    out.sort((a, b) -> a.version() != b.version() ? Long.compare(a.version(), b.version())
        : Boolean.compare(a.checkpoint(), b.checkpoint()));
    return out;
  }

  /** Deletes these log files (by name); returns how many were deleted. */
  public int delete(List<LogFile> files) {
    int n = 0;
    try {
      FileSystem fs = logDir.getFileSystem(conf);
      for (LogFile f : files) {
        if (fs.delete(new Path(logDir, f.name()), false)) n++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("table " + table.name() + ": cannot delete from " + logDir + ": " + e.getMessage(), e);
    }
    return n;
  }

  /** The tombstones of the latest snapshot (what checkpoints keep: see delta.deletedFileRetentionDuration). */
  public List<Tombstone> tombstones() {
    DeltaLogImpl impl = (DeltaLogImpl) log;
    List<Tombstone> out = new ArrayList<>();
    for (RemoveFile r : scala.jdk.javaapi.CollectionConverters.asJava(impl.update().tombstones())) {
      out.add(new Tombstone(PartitionPaths.fromLogPath(r.getPath()), r.getDeletionTimestamp().orElse(0L),
          r.getSize().orElse(-1L)));
    }
    return out;
  }

  /** Whether the commit of a version carries user metadata with any of these keys (positions, a watermark). */
  public boolean commitCarries(long version, List<String> keys) {
    var meta = table.commitMetadata(version);
    if (meta.isEmpty()) return false;
    for (String k : keys) {
      if (meta.get().contains("\"" + k + "\"")) return true;
    }
    return false;
  }
}
