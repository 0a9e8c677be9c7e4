package io.tenantlake.engine.maintenance;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaCommitException;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.FileStats;
import io.tenantlake.engine.delta.Row;
import io.tenantlake.engine.delta.TableCommit;
import io.tenantlake.engine.delta.TableFiles;
import io.tenantlake.engine.delta.TableLog;
import io.tenantlake.engine.refined.RefinedTables;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes old tombstones from a refined table: rows with {@code _deleted = true} whose
 * {@code _updated_at} is older than the tombstone retention, by a rewrite of the files holding
 * them (one DELETE commit per tenant partition, which conflicts with a merge into that partition
 * like any rewrite: then the partition is planned again, or given up until the next run).
 *
 * <p>A tombstone keeps late, older events of its entity out. Once it is gone, the merge must not
 * let such an event resurrect the entity: before removing anything, the purge records its cutoff
 * as the table property {@link RefinedTables#PURGED_BEFORE}, and the merge drops (and the pipeline
 * dead-letters as {@code too_late}) any update of an entity without a row whose event is older.
 */
public record TombstonePurge(MaintenanceSettings settings, Clock clock) {
  private static final Logger log = LoggerFactory.getLogger(TombstonePurge.class);

  public TableResult run(DeltaStorage storage, DeltaTable table) {
    long started = System.nanoTime();
    Instant cutoff = clock.instant().minus(settings.tombstoneRetention());
    var schema = table.schema();
    int deletedIdx = schema.indexOf(RefinedTables.DELETED);
    int updatedIdx = schema.indexOf(RefinedTables.UPDATED_AT);
    Map<String, Long> counts = TableResult.counters("partitionsPurged", "partitionsGivenUp", "rowsPurged",
        "filesRemoved", "filesAdded", "commitRetries");
    Map<Map<String, String>, List<DataFile>> byPartition = new LinkedHashMap<>();
    for (DataFile f : table.liveFiles()) {
      // A file whose oldest row is within the retention holds nothing to purge: not read.
      FileStats stats = f.stats(schema);
      Object oldest = stats == null ? null : stats.minValues().get(RefinedTables.UPDATED_AT);
      if (oldest instanceof Instant i && !i.isBefore(cutoff)) continue;
      byPartition.computeIfAbsent(f.partitionValues(), p -> new ArrayList<>()).add(f);
    }
    boolean horizonSet = false;
    List<String> givenUp = new ArrayList<>();
    for (var e : byPartition.entrySet()) {
      for (int attempt = 1; ; attempt++) {
        List<DataFile> candidates = attempt == 1 ? e.getValue() : live(table, e.getKey());
        Plan plan = plan(table, candidates, deletedIdx, updatedIdx, cutoff);
        if (plan.purged == 0) break;
        if (!horizonSet) {
          // Before the first tombstone goes: from now on the merge treats older events as too late.
          raiseHorizon(storage, table, cutoff);
          horizonSet = true;
        }
        List<DataFile> adds = plan.kept.isEmpty() ? List.of() : table.write(plan.kept, settings.targetFileBytes());
        TableCommit commit = TableCommit.of(TableCommit.Kind.DELETE).remove(plan.rewrite).add(adds)
            .readPartition(e.getKey()).parameter("predicate", "_deleted AND _updated_at < " + cutoff)
            .metadata("maintenance", "purge-tombstones").metadata("rowsPurged", Long.toString(plan.purged)).build();
        try {
          table.commit(commit);
          counts.merge("partitionsPurged", 1L, Long::sum);
          counts.merge("rowsPurged", plan.purged, Long::sum);
          counts.merge("filesRemoved", (long) plan.rewrite.size(), Long::sum);
          counts.merge("filesAdded", (long) adds.size(), Long::sum);
          break;
        } catch (DeltaCommitException ex) {
          TableFiles files = new TableFiles(table, storage);
          adds.forEach(f -> files.delete(f.path()));
          if (attempt >= settings.maxCommitAttempts()) {
            log.info("tombstone purge {} partition {}: given up after {} attempts: {}", table.name(), e.getKey(), attempt,
                ex.getMessage());
            counts.merge("partitionsGivenUp", 1L, Long::sum);
            givenUp.add(e.getKey().toString());
            break;
          }
          counts.merge("commitRetries", 1L, Long::sum);
        }
      }
    }
    log.info("tombstone purge {}: {} tombstones older than {} purged in {} partitions ({} given up), files -{} +{} in {} ms",
        table.name(), counts.get("rowsPurged"), cutoff, counts.get("partitionsPurged"), counts.get("partitionsGivenUp"),
        counts.get("filesRemoved"), counts.get("filesAdded"), (System.nanoTime() - started) / 1_000_000);
    return new TableResult(table.name(), counts, givenUp);
  }

  private record Plan(List<DataFile> rewrite, List<Row> kept, long purged) {}

  /** The files holding old tombstones and the rows they keep (in file order: still sorted by entity). */
  private static Plan plan(DeltaTable table, List<DataFile> files, int deletedIdx, int updatedIdx, Instant cutoff) {
    List<DataFile> rewrite = new ArrayList<>();
    List<Row> kept = new ArrayList<>();
    long purged = 0;
    for (DataFile f : files) {
      List<Row> rows = table.read(f);
      List<Row> keep = new ArrayList<>(rows.size());
      for (Row r : rows) {
        boolean old = Boolean.TRUE.equals(r.get(deletedIdx)) && r.get(updatedIdx) instanceof Instant t && t.isBefore(cutoff);
        if (!old) keep.add(r);
      }
      if (keep.size() == rows.size()) continue;
      rewrite.add(f);
      kept.addAll(keep);
      purged += rows.size() - keep.size();
    }
    return new Plan(rewrite, kept, purged);
  }

  private static List<DataFile> live(DeltaTable table, Map<String, String> partition) {
    // After a lost race the partition's files changed: take them all again.
    return table.liveFiles(partition::equals);
  }

  private static void raiseHorizon(DeltaStorage storage, DeltaTable table, Instant cutoff) {
    String current = table.properties().get(RefinedTables.PURGED_BEFORE);
    long next = Math.max(current == null ? Long.MIN_VALUE : Long.parseLong(current), cutoff.toEpochMilli());
    new TableLog(table, storage).setProperties(Map.of(RefinedTables.PURGED_BEFORE, Long.toString(next)));
  }
}
