package io.tenantlake.engine.maintenance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one task did to one table: named counts (files, rows, bytes, commits...) and, for a dry
 * run or a give-up, the files or partitions concerned (at most {@link #MAX_DETAILS}).
 */
public record TableResult(String table, Map<String, Long> counts, List<String> details) {
  public static final int MAX_DETAILS = 1000;

  public TableResult {
    counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    details = List.copyOf(details.size() > MAX_DETAILS ? details.subList(0, MAX_DETAILS) : details);
  }

  /** Counters at zero, in this order: what a task fills in while it works. */
  static Map<String, Long> counters(String... names) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String n : names) m.put(n, 0L);
    return m;
  }

  public long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  /** "name: k=v, k=v" for the log. */
  public String line() {
    StringBuilder sb = new StringBuilder(table).append(':');
    counts.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
    return sb.toString();
  }
}
