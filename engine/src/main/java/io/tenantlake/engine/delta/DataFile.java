package io.tenantlake.engine.delta;

import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.RemoveFile;
import io.tenantlake.engine.delta.impl.PartitionPaths;
import java.util.Map;
import java.util.Optional;

/**
 * A data file of a table, live or about to be: its path relative to the table root (decoded), its
 * partition values, size and statistics.
 */
public record DataFile(String path, Map<String, String> partitionValues, long sizeBytes,
    long modificationTime, long numRecords, String statsJson) {

  public DataFile {
    partitionValues = Map.copyOf(partitionValues);
  }

  static DataFile of(AddFile add) {
    String stats = add.getStats();
    long records = -1;
    if (stats != null) {
      // numRecords without a schema: the only field we need here.
      int i = stats.indexOf("\"numRecords\":");
      if (i >= 0) {
        int start = i + 13;
        int end = start;
        while (end < stats.length() && (Character.isDigit(stats.charAt(end)) || stats.charAt(end) == '-')) end++;
        if (end > start) records = Long.parseLong(stats.substring(start, end));
      }
    }
    return new DataFile(PartitionPaths.fromLogPath(add.getPath()), add.getPartitionValues(),
        add.getSize(), add.getModificationTime(), records, stats);
  }

  /** The statistics typed by the table's schema, or null when the writer recorded none. */
  public FileStats stats(TableSchema schema) {
    return FileStats.fromJson(statsJson, schema);
  }

  /** The log action that adds this file. */
  /** The log action that adds this file; {@code dataChange=false} for a rewrite of unchanged rows. */
  public AddFile toAddFile(boolean dataChange) {
    // Standalone writes add.stats verbatim as a JSON value; readers expect a string holding JSON.
    return new AddFile(PartitionPaths.toLogPath(path), partitionValues, sizeBytes, modificationTime,
        dataChange, statsJson == null ? null : FileStats.quote(statsJson), null);
  }

  /** The log action that removes this file (a logical delete; VACUUM deletes the bytes later). */
  public RemoveFile toRemoveFile(long deletionTimestamp, boolean dataChange) {
    return new RemoveFile(PartitionPaths.toLogPath(path), Optional.of(deletionTimestamp), dataChange, true,
        partitionValues, Optional.of(sizeBytes), null);
  }
}
