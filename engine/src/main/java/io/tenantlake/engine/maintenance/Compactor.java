package io.tenantlake.engine.maintenance;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaCommitException;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.Row;
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
 * in one {@code dataChange=false} commit per partition ({@link TableCommit.Kind#COMPACT}).
 *
 * <p>The commit carries no txn and no positions or watermark: the writers' exactly-once state
 * (txn actions, the positions and watermark they read back from their latest commit carrying
 * them) is left as it was. It reads nothing an append could change, so a concurrent raw append
 * never conflicts; a concurrent merge or purge that removed one of its files does: then, if its
 * files are all still live (the conflict was elsewhere), the same commit is tried again on the new
 * snapshot, else the partition is given up until the next run and its new files are deleted. Rows
 * are never lost or doubled: either the whole swap commits or nothing does.
 *
 * <p>Refined partitions are only compacted when no merge wrote to them for the quiet period; their
 * rows are re-sorted by {@code _entity_id}, which the merge's file skipping relies on.
 */
public record Compactor(MaintenanceSettings settings, Clock clock) {
  private static final Logger log = LoggerFactory.getLogger(Compactor.class);
  static final String ENTITY_ID = "_entity_id";

  public TableResult compact(DeltaStorage storage, DeltaTable table) {
    long started = System.nanoTime();
    boolean refined = MaintenanceSettings.TableKind.of(table.name()) == MaintenanceSettings.TableKind.REFINED;
    Map<Map<String, String>, List<DataFile>> byPartition = new LinkedHashMap<>();
    for (DataFile f : table.liveFiles()) byPartition.computeIfAbsent(f.partitionValues(), p -> new ArrayList<>()).add(f);
    long quietSince = clock.millis() - settings.refinedQuietPeriod().toMillis();
    Map<String, Long> counts = TableResult.counters("partitions", "partitionsCompacted", "partitionsBusy",
        "partitionsGivenUp", "filesRemoved", "filesAdded", "bytesRead", "bytesWritten", "rows", "commitRetries");
    List<String> givenUp = new ArrayList<>();
    for (var e : byPartition.entrySet()) {
      counts.merge("partitions", 1L, Long::sum);
      List<DataFile> files = e.getValue();
      if (refined && files.stream().anyMatch(f -> f.modificationTime() > quietSince)) {
        counts.merge("partitionsBusy", 1L, Long::sum);
        continue;
      }
      List<List<DataFile>> bins = bins(files);
      if (bins.isEmpty()) continue;
      Outcome o = compactPartition(storage, table, e.getKey(), bins, refined, counts);
      if (o == Outcome.GIVEN_UP) givenUp.add(e.getKey().toString());
    }
    TableResult result = new TableResult(table.name(), counts, givenUp);
    long ms = (System.nanoTime() - started) / 1_000_000;
    log.info("compaction {}: {} of {} partitions compacted ({} busy, {} given up), files -{} +{}, {} rows, {} MiB read, {} MiB written in {} ms",
        table.name(), counts.get("partitionsCompacted"), counts.get("partitions"), counts.get("partitionsBusy"),
        counts.get("partitionsGivenUp"), counts.get("filesRemoved"), counts.get("filesAdded"), counts.get("rows"),
        counts.get("bytesRead") >> 20, counts.get("bytesWritten") >> 20, ms);
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

  private enum Outcome { COMPACTED, GIVEN_UP }

  private Outcome compactPartition(DeltaStorage storage, DeltaTable table, Map<String, String> partition,
      List<List<DataFile>> bins, boolean refined, Map<String, Long> counts) {
    List<DataFile> removes = new ArrayList<>();
    List<DataFile> adds = new ArrayList<>();
    long rows = 0;
    for (List<DataFile> bin : bins) {
      List<Row> out = new ArrayList<>();
      long expected = 0;
      for (DataFile f : bin) {
        List<Row> r = table.read(f);
        if (f.numRecords() >= 0 && f.numRecords() != r.size()) {
          throw new IllegalStateException("table " + table.name() + ": file " + f.path() + " holds " + r.size()
              + " rows, its statistics say " + f.numRecords() + "; not compacting it");
        }
        out.addAll(r);
        expected += r.size();
        counts.merge("bytesRead", f.sizeBytes(), Long::sum);
      }
      if (refined) {
        int idx = table.schema().indexOf(ENTITY_ID);
        out.sort(Comparator.comparing(r -> (String) r.get(idx)));
      }
      List<DataFile> written = table.write(out, settings.targetFileBytes());
      long writtenRows = written.stream().mapToLong(DataFile::numRecords).sum();
      if (writtenRows != expected) {
        throw new IllegalStateException("table " + table.name() + " partition " + partition + ": wrote " + writtenRows
            + " rows for " + expected + " read");
      }
      removes.addAll(bin);
      adds.addAll(written);
      rows += expected;
    }
    TableCommit commit = TableCommit.of(TableCommit.Kind.COMPACT).remove(removes).add(adds)
        .parameter("mode", "Compact").parameter("partition", partition.toString())
        .metadata("maintenance", "compact").metadata("rows", Long.toString(rows)).build();
    for (int attempt = 1; ; attempt++) {
      try {
        table.commit(commit);
        break;
      } catch (DeltaCommitException e) {
        boolean stillLive = stillLive(table, partition, removes);
        if (!stillLive || attempt >= settings.maxCommitAttempts()) {
          log.info("compaction {} partition {}: given up after {} attempt(s) ({}): {}", table.name(), partition, attempt,
              stillLive ? "conflicts" : "a concurrent rewrite removed its files", e.getMessage());
          TableFiles storageFiles = new TableFiles(table, storage);
          for (DataFile f : adds) storageFiles.delete(f.path());
          counts.merge("partitionsGivenUp", 1L, Long::sum);
          return Outcome.GIVEN_UP;
        }
        counts.merge("commitRetries", 1L, Long::sum);
      }
    }
    counts.merge("partitionsCompacted", 1L, Long::sum);
    counts.merge("filesRemoved", (long) removes.size(), Long::sum);
    counts.merge("filesAdded", (long) adds.size(), Long::sum);
    counts.merge("bytesWritten", adds.stream().mapToLong(DataFile::sizeBytes).sum(), Long::sum);
    counts.merge("rows", rows, Long::sum);
    return Outcome.COMPACTED;
  }

  private static boolean stillLive(DeltaTable table, Map<String, String> partition, List<DataFile> removes) {
    Set<String> live = new HashSet<>();
    table.liveFiles(partition::equals).forEach(f -> live.add(f.path()));
    return removes.stream().allMatch(f -> live.contains(f.path()));
  }
}
