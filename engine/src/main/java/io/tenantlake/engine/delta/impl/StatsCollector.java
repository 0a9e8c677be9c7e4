package io.tenantlake.engine.delta.impl;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.FileStats;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Gathers min, max and null counts of the data columns while a file is written. */
final class StatsCollector {
  private final List<Column> columns;
  private final Object[] min;
  private final Object[] max;
  private final long[] nulls;
  private final Set<Integer> noMinMax = new HashSet<>();
  private long records;

  StatsCollector(List<Column> dataColumns) {
    this.columns = dataColumns;
    this.min = new Object[dataColumns.size()];
    this.max = new Object[dataColumns.size()];
    this.nulls = new long[dataColumns.size()];
    for (int i = 0; i < dataColumns.size(); i++) {
      ColumnType t = dataColumns.get(i).type();
      if (t == ColumnType.BINARY || t == ColumnType.BOOLEAN) noMinMax.add(i);
    }
  }

  /** {@code values} are the data column values in the order given at construction. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void add(Object[] values) {
    records++;
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      if (v == null) {
        nulls[i]++;
        continue;
      }
      if (noMinMax.contains(i)) continue;
      if (v instanceof String s && s.length() > FileStats.MAX_STRING_STAT) {
        noMinMax.add(i);
        min[i] = max[i] = null;
        continue;
      }
      Comparable c = (Comparable) v;
      if (min[i] == null || c.compareTo(min[i]) < 0) min[i] = v;
      if (max[i] == null || c.compareTo(max[i]) > 0) max[i] = v;
    }
  }

  long records() {
    return records;
  }

  FileStats stats() {
    Map<String, Object> mins = new HashMap<>();
    Map<String, Object> maxs = new HashMap<>();
    Map<String, Long> nullCounts = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      String name = columns.get(i).name();
      nullCounts.put(name, nulls[i]);
      if (!noMinMax.contains(i) && min[i] != null) {
        mins.put(name, min[i]);
        maxs.put(name, max[i]);
      }
    }
    return new FileStats(records, mins, maxs, nullCounts);
  }
}
