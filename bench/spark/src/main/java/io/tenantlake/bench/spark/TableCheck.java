package io.tenantlake.bench.spark;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a Delta table with Spark (delta-spark's reader, not the writer that made it) and compares
 * it row by row with the fold: every key once, same version, same tombstone, same values.
 */
final class TableCheck {
  private TableCheck() {}

  /**
   * @param keyColumn the column naming the key in every row, tombstones included ({@code _entity_id}
   *     in tenantlake's refined tables, whose tombstones have null model columns; the model key in Spark's)
   * @return null when equal, else what differs (counts and the first few keys)
   */
  static String compare(SparkSession spark, String path, String keyColumn, Map<String, String> fold) {
    List<Row> rows = spark.sql("SELECT tenant_id, " + keyColumn + ", _version, _deleted, project, summary, status,"
        + " assignee, priority, story_points FROM delta.`" + path + "`").collectAsList();
    Map<String, String> table = new HashMap<>(rows.size() * 2);
    int duplicates = 0;
    for (Row r : rows) {
      String key = r.getString(0) + "/" + r.getString(1);
      boolean deleted = r.getBoolean(3);
      String line = Fold.line(r.getLong(2), deleted, r.getString(4), r.getString(5), r.getString(6),
          r.getString(7), r.isNullAt(8) ? null : r.getInt(8), r.isNullAt(9) ? null : r.getDouble(9));
      if (table.put(key, line) != null) duplicates++;
    }
    StringBuilder diff = new StringBuilder();
    int missing = 0, wrong = 0, extra = 0;
    for (Map.Entry<String, String> e : fold.entrySet()) {
      String got = table.get(e.getKey());
      if (got == null) {
        if (missing++ < 3) diff.append("\n  missing ").append(e.getKey()).append(": ").append(e.getValue());
      } else if (!got.equals(e.getValue())) {
        if (wrong++ < 3) diff.append("\n  ").append(e.getKey()).append(": table ").append(got).append(", fold ").append(e.getValue());
      }
    }
    for (String k : table.keySet()) {
      if (!fold.containsKey(k) && extra++ < 3) diff.append("\n  extra ").append(k).append(": ").append(table.get(k));
    }
    if (missing + wrong + extra + duplicates == 0) return null;
    return String.format("%d rows, fold %d keys: %d missing, %d differ, %d extra, %d duplicate keys%s",
        rows.size(), fold.size(), missing, wrong, extra, duplicates, diff);
  }
}
