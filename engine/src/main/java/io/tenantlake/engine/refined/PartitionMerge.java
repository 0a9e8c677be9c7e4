package io.tenantlake.engine.refined;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.FileStats;
import io.tenantlake.engine.delta.Row;
import io.tenantlake.engine.delta.TableSchema;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;

/**
 * The copy-on-write merge of one tenant partition: reads the files whose {@code _entity_id} range
 * can hold one of the batch's entities, keeps the updates that are newer than what is stored,
 * rewrites the files holding those entities (folding in the partition's small files when there are
 * too many), and writes the result sorted by {@code _entity_id}. Writes files, commits nothing.
 */
final class PartitionMerge {
  /** A validated update: its version, the table rows that replace the entity's rows, its event's time. */
  record Update(String entityId, long version, List<Row> rows, java.time.Instant updatedAt) {}

  /** What the partition contributes to the commit, and what it cost. */
  record Result(List<DataFile> removes, List<DataFile> adds, int applied, int stale, long rowsWritten,
      long rowsCopied, int filesRead, int filesSkipped, List<Update> tooLate) {}

  private final DeltaTable table;
  private final TableSchema schema;
  private final MergePolicy policy;
  private final int entityIdx;
  private final int versionIdx;
  private final long tooLateBefore;

  /**
   * @param tooLateBefore an update of an entity without a row whose event is older than this
   *     (epoch ms) is too late: tombstones older than it were purged, so it may be an entity deleted
   *     since; Long.MIN_VALUE when nothing was ever purged
   */
  PartitionMerge(DeltaTable table, TableSchema schema, MergePolicy policy, long tooLateBefore) {
    this.tooLateBefore = tooLateBefore;
    this.table = table;
    this.schema = schema;
    this.policy = policy;
    this.entityIdx = schema.indexOf(RefinedTables.ENTITY_ID);
    this.versionIdx = schema.indexOf(RefinedTables.VERSION);
  }

  /**
   * @param files the partition's live files
   * @param updates the partition's updates, one per entity, by entity id
   */
  Result run(List<DataFile> files, NavigableMap<String, Update> updates) {
    NavigableSet<String> ids = updates.navigableKeySet();
    Map<DataFile, List<Row>> read = new LinkedHashMap<>();
    int skipped = 0;
    Map<String, Long> stored = new HashMap<>();
    for (DataFile f : files) {
      if (!mayHold(f, ids)) {
        skipped++;
        continue;
      }
      List<Row> rows = table.read(f);
      read.put(f, rows);
      for (Row r : rows) {
        String id = (String) r.get(entityIdx);
        if (ids.contains(id)) stored.merge(id, (Long) r.get(versionIdx), Math::max);
      }
    }
    // Last write wins: only a newer version replaces what is stored; equal is a duplicate.
    List<Update> applied = new ArrayList<>();
    List<Update> tooLate = new ArrayList<>();
    Set<String> changed = new HashSet<>();
    int stale = 0;
    for (Update u : updates.values()) {
      Long s = stored.get(u.entityId());
      if (s != null && s >= u.version()) {
        stale++;
      } else if (s == null && u.updatedAt() != null && u.updatedAt().toEpochMilli() < tooLateBefore) {
        // No row, not even a tombstone, and older than the purged ones: it may resurrect a deleted entity.
        tooLate.add(u);
      } else {
        applied.add(u);
        changed.add(u.entityId());
      }
    }
    if (applied.isEmpty()) return new Result(List.of(), List.of(), 0, stale, 0, 0, read.size(), skipped, tooLate);

    // Rewrite only the files that hold a changed entity; the rest stay as they are.
    List<DataFile> rewrite = new ArrayList<>();
    read.forEach((f, rows) -> {
      for (Row r : rows) {
        if (changed.contains((String) r.get(entityIdx))) {
          rewrite.add(f);
          return;
        }
      }
    });
    // Small files: if the partition would keep more than the policy allows, fold them into this
    // rewrite (its output is one more file of the partition).
    List<DataFile> keptSmall = files.stream()
        .filter(f -> !rewrite.contains(f) && f.sizeBytes() < policy.smallFileBytes()).toList();
    int filesRead = read.size();
    if (keptSmall.size() + 1 > policy.maxSmallFiles()) {
      for (DataFile f : keptSmall) {
        if (!read.containsKey(f)) {
          read.put(f, table.read(f));
          filesRead++;
          skipped--;
        }
        rewrite.add(f);
      }
    }

    List<Row> out = new ArrayList<>();
    long copied = 0;
    for (DataFile f : rewrite) {
      for (Row r : read.get(f)) {
        if (!changed.contains((String) r.get(entityIdx))) {
          out.add(r);
          copied++;
        }
      }
    }
    long written = 0;
    for (Update u : applied) {
      out.addAll(u.rows());
      written += u.rows().size();
    }
    // Sorted by entity (stable: an entity's rows keep their order): tight, disjoint key ranges.
    out.sort(Comparator.comparing(r -> (String) r.get(entityIdx)));
    List<DataFile> adds = table.write(out, policy.targetFileBytes());
    return new Result(rewrite, adds, applied.size(), stale, written, copied, filesRead, skipped, tooLate);
  }

  /** Whether the file's _entity_id range can hold one of the ids; a file without statistics can. */
  private boolean mayHold(DataFile f, NavigableSet<String> ids) {
    if (f.numRecords() == 0) return false;
    FileStats stats = f.stats(schema);
    if (stats == null) return true;
    Object min = stats.minValues().get(RefinedTables.ENTITY_ID);
    Object max = stats.maxValues().get(RefinedTables.ENTITY_ID);
    if (!(min instanceof String lo) || !(max instanceof String hi)) return true;
    String first = ids.ceiling(lo);
    return first != null && first.compareTo(hi) <= 0;
  }
}
