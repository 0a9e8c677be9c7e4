package io.tenantlake.engine.maintenance;

import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.TableLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints and log clean-up of one table, so that opening it reads one checkpoint and a few
 * JSON commits.
 *
 * <ul>
 *   <li>Sets the table properties: {@code delta.checkpointInterval} (delta-standalone then writes a
 *       checkpoint after each N-th commit itself), {@code delta.logRetentionDuration},
 *       {@code delta.deletedFileRetentionDuration} = the VACUUM retention (checkpoints keep the
 *       tombstones VACUUM needs that long), and {@code delta.enableExpiredLogCleanup = false}:
 *       standalone's own clean-up would delete commits our writers read back (below).
 *   <li>Writes a checkpoint when the latest is N or more commits behind (tables whose commits came
 *       before the interval was set).
 *   <li>Deletes commits and older checkpoints before the newest checkpoint {@code k} such that every
 *       commit before {@code k} is older than the log retention, and {@code k} is not after the
 *       table's latest commit carrying positions (raw) or a watermark (refined): those are read
 *       back by walking the commits from the latest, over compactions and purges, and must stay.
 * </ul>
 */
public record LogCare(MaintenanceSettings settings, Clock clock) {
  private static final Logger log = LoggerFactory.getLogger(LogCare.class);
  /** Commit metadata our writers read back from the log: its latest carrier must stay. */
  static final List<String> ANCHOR_KEYS = List.of("positions", "watermark");

  public TableResult run(DeltaStorage storage, DeltaTable table) {
    TableLog tlog = new TableLog(table, storage);
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("propertiesSet", tlog.setProperties(properties(table.name())) ? 1L : 0L);
    long latest = table.version();
    List<TableLog.LogFile> files = tlog.files();
    long lastCheckpoint = files.stream().filter(TableLog.LogFile::checkpoint).mapToLong(TableLog.LogFile::version).max().orElse(-1);
    if (latest - lastCheckpoint >= settings.checkpointInterval() || rewrittenSince(table, lastCheckpoint, latest)) {
      tlog.checkpoint();
      counts.put("checkpointsWritten", 1L);
      files = tlog.files();
    } else {
      counts.put("checkpointsWritten", 0L);
    }
    List<TableLog.LogFile> expired = expired(tlog, files, latest);
    int deleted = tlog.delete(expired);
    counts.put("logFilesDeleted", (long) deleted);
    counts.put("logBytesDeleted", expired.stream().mapToLong(TableLog.LogFile::sizeBytes).sum());
    List<TableLog.LogFile> left = tlog.files();
    counts.put("jsonCommitsLeft", left.stream().filter(f -> !f.checkpoint()).count());
    counts.put("checkpointFilesLeft", left.stream().filter(TableLog.LogFile::checkpoint).count());
    return new TableResult(table.name(), counts, List.of());
  }

  /**
   * Whether a compaction or purge committed since the last checkpoint: their commits remove many
   * files that every open would otherwise read from JSON on top of a checkpoint that still lists them.
   */
  private static boolean rewrittenSince(DeltaTable table, long lastCheckpoint, long latest) {
    for (long v = Math.max(lastCheckpoint + 1, 0); v <= latest; v++) {
      String meta = table.commitMetadata(v).orElse("");
      if (meta.contains("\"maintenance\":\"compact\"") || meta.contains("\"maintenance\":\"purge-tombstones\"")) return true;
    }
    return false;
  }

  /** The table properties this task keeps on every table. */
  Map<String, String> properties(String tableName) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("delta.checkpointInterval", Integer.toString(settings.checkpointInterval()));
    p.put("delta.logRetentionDuration", interval(settings.logRetention()));
    p.put("delta.deletedFileRetentionDuration", interval(settings.vacuumRetention(tableName)));
    p.put("delta.enableExpiredLogCleanup", "false");
    return p;
  }

  /** The log files that may go: see the class comment. */
  private List<TableLog.LogFile> expired(TableLog tlog, List<TableLog.LogFile> files, long latest) {
    long anchor = anchor(tlog, files, latest);
    long cutoff = clock.millis() - settings.logRetention().toMillis();
    long keepFrom = -1;
    long newestJsonBefore = Long.MIN_VALUE;
    // Walk up the versions: a checkpoint qualifies while every commit below it is past retention
    // (files come sorted by version, a version's commit before its checkpoint).
    for (TableLog.LogFile f : files) {
      if (f.checkpoint() && f.version() <= anchor && f.version() > 0 && newestJsonBefore < cutoff
          && hasEveryPart(files, f)) {
        keepFrom = Math.max(keepFrom, f.version());
      }
      if (!f.checkpoint()) newestJsonBefore = Math.max(newestJsonBefore, f.modificationTime());
      if (newestJsonBefore >= cutoff) break;
    }
    if (keepFrom <= 0) return List.of();
    List<TableLog.LogFile> out = new ArrayList<>();
    for (TableLog.LogFile f : files) {
      if (f.version() < keepFrom) out.add(f);
    }
    log.debug("table {}: log kept from checkpoint {} (anchor {}), {} files expire", tlog.table().name(), keepFrom,
        anchor, out.size());
    return out;
  }

  /** A single-part checkpoint, or every part of a multi-part one, is there. */
  private static boolean hasEveryPart(List<TableLog.LogFile> files, TableLog.LogFile f) {
    String name = f.name();
    if (name.endsWith(".checkpoint.parquet")) return true;
    String[] parts = name.split("\\.");
    int total = Integer.parseInt(parts[3]);
    return files.stream().filter(o -> o.checkpoint() && o.version() == f.version()).count() == total;
  }

  /**
   * The latest version whose commit carries positions or a watermark; the latest version when
   * none does (a table our writers do not read back).
   */
  private static long anchor(TableLog tlog, List<TableLog.LogFile> files, long latest) {
    long earliestJson = files.stream().filter(f -> !f.checkpoint()).mapToLong(TableLog.LogFile::version).min().orElse(latest);
    for (long v = latest; v >= earliestJson; v--) {
      if (tlog.commitCarries(v, ANCHOR_KEYS)) return v;
    }
    return latest;
  }

  /** A duration as a Delta calendar interval ("interval 7 days"). */
  static String interval(Duration d) {
    if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) return "interval " + d.toDays() + " days";
    if (d.equals(Duration.ofHours(d.toHours()))) return "interval " + d.toHours() + " hours";
    return "interval " + Math.max(1, d.toMinutes()) + " minutes";
  }
}
