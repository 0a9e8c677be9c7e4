package io.tenantlake.engine.delta;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What a table holds now, from its log alone (no data file is read): for operators and the demo. */
public record TableStatus(String table, long version, int files, long rows, long bytes, int partitions) {

  /** The table's status, or one with version -1 when it does not exist yet. */
  public static TableStatus of(DeltaTable table) {
    if (!table.exists()) return new TableStatus(table.name(), -1, 0, 0, 0, 0);
    long version = table.version();
    List<DataFile> files = table.liveFiles();
    long rows = 0;
    long bytes = 0;
    Set<java.util.Map<String, String>> partitions = new HashSet<>();
    for (DataFile f : files) {
      rows += Math.max(0, f.numRecords());
      bytes += f.sizeBytes();
      partitions.add(f.partitionValues());
    }
    return new TableStatus(table.name(), version, files.size(), rows, bytes, partitions.size());
  }

  /** One line: name, version, files, rows, partitions, size. */
  public String line() {
    return String.format("%-24s version %6d  files %7d  rows %10d  partitions %6d  %8.1f MiB",
        table, version, files, rows, partitions, bytes / 1048576.0);
  }
}
