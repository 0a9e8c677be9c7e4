package io.tenantlake.engine.maintenance;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaCommitException;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.TableCommit;
import io.tenantlake.engine.delta.TableFiles;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts a table partition by partition (one tenant each): the partition's small files are
 * bin-packed by size into target-size files, their rows rewritten unchanged, and the files swapped
 * in {@code dataChange=false} commits ({@link TableCommit.Kind#COMPACT}) of up to
 * {@link CompactionWork#partitionsPerCommit()} partitions each, the bins rewritten concurrently
 * ({@link BinRewriter}).
 *
 * <p>The commits carry no txn and no positions or watermark: the writers' exactly-once state
 * (txn actions, the positions and watermark they read back from their latest commit carrying
 * them) is left as it was. A compaction reads nothing an append could change, so a concurrent raw
 * append never conflicts; a concurrent merge or purge that removed one of its files does: then the
 * partitions whose files are gone are dropped from the commit (their new files deleted, given up
 * until the next run) and the rest is tried again on the new snapshot. Rows are never lost or
 * doubled: a partition's whole swap commits or none of it does.
 *
 * <p>Refined partitions are only compacted when no merge wrote to them for the quiet period; their
 * rows are re-sorted by {@code _entity_id}, which the merge's file skipping relies on.
 */
public record Compactor(MaintenanceSettings settings, Clock clock) {
  private static final Logger log = LoggerFactory.getLogger(Compactor.class);
  static final String ENTITY_ID = "_entity_id";
  private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

  public TableResult compact(DeltaStorage storage, DeltaTable table) {
    long started = System.nanoTime();
    boolean refined = MaintenanceSettings.TableKind.of(table.name()) == MaintenanceSettings.TableKind.REFINED;
    Map<Map<String, String>, List<DataFile>> byPartition = new LinkedHashMap<>();
    for (DataFile f : table.liveFiles()) byPartition.computeIfAbsent(f.partitionValues(), p -> new ArrayList<>()).add(f);
    long quietSince = clock.millis() - settings.refinedQuietPeriod().toMillis();
    Map<String, Long> counts = TableResult.counters("partitions", "partitionsCompacted", "partitionsBusy",
        "partitionsGivenUp", "partitionsFailed", "filesRemoved", "filesAdded", "bytesRead", "bytesWritten", "rows",
        "commits", "commitRetries");
    List<BinRewriter.Plan> plans = new ArrayList<>();
    for (var e : byPartition.entrySet()) {
      counts.merge("partitions", 1L, Long::sum);
      List<DataFile> files = e.getValue();
      if (refined && files.stream().anyMatch(f -> f.modificationTime() > quietSince)) {
        counts.merge("partitionsBusy", 1L, Long::sum);
        continue;
      }
      List<List<DataFile>> bins = bins(files);
      if (!bins.isEmpty()) plans.add(new BinRewriter.Plan(e.getKey(), bins));
    }
    List<String> givenUp = new ArrayList<>();
    CompactionWork work = settings.compactionWork();
    long lastProgress = System.nanoTime();
    try (BinRewriter rewriter = new BinRewriter(table, work, settings.targetFileBytes(), refined)) {
      for (int from = 0; from < plans.size(); from += work.partitionsPerCommit()) {
        List<BinRewriter.Plan> group = plans.subList(from, Math.min(plans.size(), from + work.partitionsPerCommit()));
        List<BinRewriter.Rewrite> rewrites = new ArrayList<>();
        for (BinRewriter.Outcome o : rewriter.rewrite(group)) {
          if (o instanceof BinRewriter.Rewrite r) rewrites.add(r);
          else if (o instanceof BinRewriter.Failed f) {
            log.error("compaction {} partition {}: not compacted: {}", table.name(), f.partition(), f.reason());
            counts.merge("partitionsFailed", 1L, Long::sum);
            TableFiles storageFiles = new TableFiles(table, storage);
            for (DataFile w : f.written()) storageFiles.delete(w.path());
            givenUp.add(f.partition() + ": " + f.reason());
          }
        }
        commitGroup(storage, table, rewrites, counts, givenUp);
        if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
          lastProgress = System.nanoTime();
          double s = (lastProgress - started) / 1e9;
          log.info("compaction {}: {} of {} partitions to compact done, {} files removed ({}/s), {} MiB read",
              table.name(), from + group.size(), plans.size(), counts.get("filesRemoved"),
              Math.round(counts.get("filesRemoved") / s), counts.get("bytesRead") >> 20);
        }
      }
    }
    TableResult result = new TableResult(table.name(), counts, givenUp);
    long ms = (System.nanoTime() - started) / 1_000_000;
    log.info("compaction {}: {} of {} partitions compacted ({} busy, {} given up, {} failed) in {} commit(s), files -{} +{}, "
            + "{} rows, {} MiB read, {} MiB written in {} ms",
        table.name(), counts.get("partitionsCompacted"), counts.get("partitions"), counts.get("partitionsBusy"),
        counts.get("partitionsGivenUp"), counts.get("partitionsFailed"), counts.get("commits"), counts.get("filesRemoved"),
        counts.get("filesAdded"), counts.get("rows"), counts.get("bytesRead") >> 20, counts.get("bytesWritten") >> 20, ms);
    return result;
  }

  /**
   * First-fit decreasing: the candidates (files under the candidate size), largest first, each
   * into the first bin it fits under the target size. Bins of one file are dropped (nothing to
   * gain); nothing at all when the partition has fewer candidates than the minimum.
   */
  List<List<DataFile>> bins(List<DataFile> files) {
    List<DataFile> candidates = new ArrayList<>(files.stream().filter(f -> f.sizeBytes() < settings.candidateFileBytes()).toList());
    if (candidates.size() < settings.minFilesToCompact()) return List.of();
    candidates.sort(Comparator.comparingLong(DataFile::sizeBytes).reversed().thenComparing(DataFile::path));
    List<List<DataFile>> bins = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    for (DataFile f : candidates) {
      int i = 0;
      while (i < bins.size() && sizes.get(i) + f.sizeBytes() > settings.targetFileBytes()) i++;
      if (i == bins.size()) {
        bins.add(new ArrayList<>());
        sizes.add(0L);
      }
      bins.get(i).add(f);
      sizes.set(i, sizes.get(i) + f.sizeBytes());
    }
    bins.removeIf(b -> b.size() < 2);
    return bins;
  }

  /**
   * Swaps the rewritten partitions in one commit; on a conflict, the partitions whose removed files
   * are no longer live (or all of them, after the last attempt) are given up and the rest retried.
   */
  private void commitGroup(DeltaStorage storage, DeltaTable table, List<BinRewriter.Rewrite> rewrites,
      Map<String, Long> counts, List<String> givenUp) {
    List<BinRewriter.Rewrite> pending = new ArrayList<>(rewrites);
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      TableCommit.Builder b = TableCommit.of(TableCommit.Kind.COMPACT);
      long rows = 0;
      for (BinRewriter.Rewrite r : pending) {
        b.remove(r.removes()).add(r.adds());
        rows += r.rows();
      }
      TableCommit commit = b.parameter("mode", "Compact").parameter("partitions", Integer.toString(pending.size()))
          .metadata("maintenance", "compact").metadata("rows", Long.toString(rows)).build();
      try {
        table.commit(commit);
        counts.merge("commits", 1L, Long::sum);
        for (BinRewriter.Rewrite r : pending) {
          counts.merge("partitionsCompacted", 1L, Long::sum);
          counts.merge("filesRemoved", (long) r.removes().size(), Long::sum);
          counts.merge("filesAdded", (long) r.adds().size(), Long::sum);
          counts.merge("bytesRead", r.bytesRead(), Long::sum);
          counts.merge("bytesWritten", r.adds().stream().mapToLong(DataFile::sizeBytes).sum(), Long::sum);
          counts.merge("rows", r.rows(), Long::sum);
        }
        return;
      } catch (DeltaCommitException e) {
        Set<String> live = new HashSet<>();
        table.liveFiles().forEach(f -> live.add(f.path()));
        boolean last = attempt >= settings.maxCommitAttempts();
        List<BinRewriter.Rewrite> stale = pending.stream()
            .filter(r -> last || !r.removes().stream().allMatch(f -> live.contains(f.path()))).toList();
        TableFiles storageFiles = new TableFiles(table, storage);
        for (BinRewriter.Rewrite r : stale) {
          log.info("compaction {} partition {}: given up after {} attempt(s) ({}): {}", table.name(), r.partition(), attempt,
              last ? "conflicts" : "a concurrent rewrite removed its files", e.getMessage());
          for (DataFile f : r.adds()) storageFiles.delete(f.path());
          counts.merge("partitionsGivenUp", 1L, Long::sum);
          givenUp.add(r.partition().toString());
        }
        pending.removeAll(stale);
        if (!pending.isEmpty()) counts.merge("commitRetries", 1L, Long::sum);
      }
    }
  }
}
