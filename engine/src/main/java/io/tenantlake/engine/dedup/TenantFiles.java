package io.tenantlake.engine.dedup;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.FileStats;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One raw table's live files by tenant, listed from the log once and then kept current from the
 * writer's own commits: a tenant's filter is rebuilt, or an id checked, by reading only that
 * tenant's files of the window. Any commit not made through {@link #committed} (a compaction, a
 * writer elsewhere) shows as a version gap and the next use lists the log again.
 */
final class TenantFiles {
  private final DeltaTable table;
  private Map<String, List<DataFile>> byTenant;
  private long version = Long.MIN_VALUE;

  TenantFiles(DeltaTable table) {
    this.table = table;
  }

  /** The tenant's live files that may hold rows ingested on or after {@code firstDay}. */
  List<DataFile> of(String tenant, long firstDay) {
    if (byTenant == null) relist();
    List<DataFile> out = new ArrayList<>();
    for (DataFile f : byTenant.getOrDefault(tenant, List.of())) {
      if (lastIngestedDay(f) >= firstDay) out.add(f);
    }
    return out;
  }

  /** This writer committed {@code files} as {@code committedVersion}. */
  void committed(long committedVersion, List<DataFile> files) {
    if (byTenant == null) return;
    if (committedVersion != version + 1) {
      byTenant = null;
      return;
    }
    for (DataFile f : files) {
      byTenant.computeIfAbsent(f.partitionValues().get("tenant_id"), t -> new ArrayList<>()).add(f);
    }
    version = committedVersion;
  }

  /** Forget the listing: a file was missing, or the table changed under the writer. */
  void invalidate() {
    byTenant = null;
  }

  private void relist() {
    long at = table.version();
    Map<String, List<DataFile>> files = new HashMap<>();
    for (DataFile f : table.liveFiles()) {
      files.computeIfAbsent(f.partitionValues().get("tenant_id"), t -> new ArrayList<>()).add(f);
    }
    byTenant = files;
    version = at;
  }

  /** The UTC day of the file's newest {@code ingested_at}, or the largest day when unknown. */
  private long lastIngestedDay(DataFile f) {
    FileStats stats;
    try {
      stats = f.stats(table.schema());
    } catch (RuntimeException e) {
      return Long.MAX_VALUE;
    }
    Object max = stats == null ? null : stats.maxValues().get("ingested_at");
    return max instanceof Instant t ? t.atZone(ZoneOffset.UTC).toLocalDate().toEpochDay() : Long.MAX_VALUE;
  }
}
