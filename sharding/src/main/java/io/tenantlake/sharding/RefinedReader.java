package io.tenantlake.sharding;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.FileStats;
import io.tenantlake.engine.delta.Row;
import io.tenantlake.engine.delta.TableSchema;
import io.tenantlake.engine.refined.RefinedTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one tenant's slice of a refined table: an entity's rows (only the tenant's partition, and
 * only files whose {@code _entity_id} range can hold it) or the tenant's row count from the log.
 */
public final class RefinedReader {
  private RefinedReader() {}

  /** The entity's rows as column → value maps (system columns included), tombstones too. */
  public static List<Map<String, Object>> entityRows(DeltaTable table, String tenantId, String entityId) {
    return rowsWhere(table, tenantId, RefinedTables.ENTITY_ID, entityId);
  }

  /**
   * The tenant's rows whose {@code column} (a string column with statistics) equals {@code value},
   * reading only files whose min/max range can hold it. Works on raw tables too ({@code entity_id}).
   */
  public static List<Map<String, Object>> rowsWhere(DeltaTable table, String tenantId, String column, String value) {
    String entityId = value;
    if (!table.exists()) return List.of();
    TableSchema s = table.schema();
    int entityIdx = s.indexOf(column);
    List<Map<String, Object>> out = new ArrayList<>();
    for (DataFile f : table.liveFiles(p -> tenantId.equals(p.get(RefinedTables.TENANT_ID)))) {
      FileStats stats = f.stats(s);
      if (stats != null) {
        Object min = stats.minValues().get(column);
        Object max = stats.maxValues().get(column);
        if (min != null && max != null
            && (entityId.compareTo((String) min) < 0 || entityId.compareTo((String) max) > 0)) continue;
      }
      for (Row r : table.read(f)) {
        if (!entityId.equals(r.get(entityIdx))) continue;
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < s.columns().size(); i++) row.put(s.columns().get(i).name(), r.get(i));
        out.add(row);
      }
    }
    return out;
  }

  /** Rows (tombstones included) and files of the tenant's partition, from the log alone. */
  public static long[] tenantRowsAndFiles(DeltaTable table, String tenantId) {
    if (!table.exists()) return new long[] {0, 0};
    long rows = 0;
    long files = 0;
    for (DataFile f : table.liveFiles(p -> tenantId.equals(p.get(RefinedTables.TENANT_ID)))) {
      rows += Math.max(0, f.numRecords());
      files++;
    }
    return new long[] {rows, files};
  }
}
