package io.tenantlake.engine.maintenance;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.TableFiles;
import io.tenantlake.engine.delta.TableLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VACUUM (delta-standalone has none): deletes from storage the data files that no snapshot within
 * the retention of the table's kind references.
 *
 * <ul>
 *   <li>A live file (latest snapshot) is never deleted.
 *   <li>A removed file is deleted once its tombstone's {@code deletionTimestamp} is older than the
 *       retention: every snapshot since then lacks it, so time travel within the retention never
 *       needs it. A tombstone younger than that keeps its file.
 *   <li>A file the log does not know at all (written by a commit that lost a race or crashed, or
 *       whose tombstone checkpoints have since dropped) is deleted once its modification time is
 *       older than the retention; a younger one may belong to a commit still being made.
 *   <li>{@code _delta_log} and every hidden or underscore folder is never listed ({@link TableFiles}).
 * </ul>
 * A dry run deletes nothing and lists what a run would delete.
 */
public record Vacuum(MaintenanceSettings settings, Clock clock) {
  private static final Logger log = LoggerFactory.getLogger(Vacuum.class);

  public TableResult run(DeltaStorage storage, DeltaTable table, boolean dryRun) {
    long started = System.nanoTime();
    long cutoff = clock.millis() - settings.vacuumRetention(table.name()).toMillis();
    Set<String> live = new HashSet<>();
    for (DataFile f : table.liveFiles()) live.add(f.path());
    Map<String, Long> removedAt = new HashMap<>();
    for (TableLog.Tombstone t : new TableLog(table, storage).tombstones()) {
      removedAt.merge(t.path(), t.deletionTimestamp(), Math::max);
    }
    TableFiles files = new TableFiles(table, storage);
    List<TableFiles.StoredFile> stored = files.list();
    List<String> expired = new ArrayList<>();
    long bytes = 0;
    long removedExpired = 0;
    long untrackedExpired = 0;
    long kept = 0;
    for (TableFiles.StoredFile f : stored) {
      if (live.contains(f.path())) continue;
      Long removed = removedAt.get(f.path());
      boolean old = removed != null ? removed < cutoff : f.modificationTime() < cutoff;
      if (!old) {
        kept++;
        continue;
      }
      expired.add(f.path());
      bytes += f.sizeBytes();
      if (removed != null) removedExpired++;
      else untrackedExpired++;
    }
    long deleted = 0;
    if (!dryRun) {
      deleted = files.deleteAll(expired);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("filesStored", (long) stored.size());
    counts.put("filesLive", (long) live.size());
    counts.put("filesWithinRetention", kept);
    counts.put("filesExpired", (long) expired.size());
    counts.put("removedFilesExpired", removedExpired);
    counts.put("untrackedFilesExpired", untrackedExpired);
    counts.put("bytesExpired", bytes);
    counts.put("filesDeleted", deleted);
    long ms = (System.nanoTime() - started) / 1_000_000;
    log.info("vacuum {}{}: {} files stored, {} live, {} kept within retention, {} expired ({} removed, {} untracked, {} MiB), {} deleted in {} ms",
        table.name(), dryRun ? " (dry run)" : "", stored.size(), live.size(), kept, expired.size(), removedExpired,
        untrackedExpired, bytes >> 20, deleted, ms);
    return new TableResult(table.name(), counts, expired);
  }
}
