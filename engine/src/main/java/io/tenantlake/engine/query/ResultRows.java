package io.tenantlake.engine.query;

import java.sql.Array;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Struct;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a result set into JSON-ready rows, up to a row limit and a byte budget. */
final class ResultRows {
  record Read(List<QueryResult.ColumnInfo> columns, List<List<Object>> rows, boolean truncated) {}

  private ResultRows() {}

  static Read read(ResultSet rs, int limit, long maxBytes) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<QueryResult.ColumnInfo> columns = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) columns.add(new QueryResult.ColumnInfo(md.getColumnLabel(i), md.getColumnTypeName(i)));
    List<List<Object>> rows = new ArrayList<>();
    long[] bytes = {0};
    boolean truncated = false;
    while (rs.next()) {
      if (rows.size() >= limit) {
        truncated = true;
        break;
      }
      List<Object> row = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) row.add(value(rs.getObject(i), bytes));
      if (bytes[0] > maxBytes) {
        throw new QueryException(QueryException.Kind.TOO_LARGE, "the answer is over " + maxBytes + " bytes after "
            + rows.size() + " rows: select fewer columns or rows (limit)");
      }
      rows.add(row);
    }
    return new Read(columns, rows, truncated);
  }

  /** A JSON-ready value; {@code bytes} grows by about its size. */
  static Object value(Object v, long[] bytes) throws SQLException {
    bytes[0] += 8;
    if (v == null || v instanceof Boolean || v instanceof Number) return v;
    if (v instanceof String s) {
      bytes[0] += s.length();
      return s;
    }
    if (v instanceof OffsetDateTime t) return t.toInstant().toString();
    if (v instanceof java.sql.Timestamp t) return t.toLocalDateTime().toInstant(ZoneOffset.UTC).toString();
    if (v instanceof LocalDateTime t) return t.toInstant(ZoneOffset.UTC).toString();
    if (v instanceof LocalDate || v instanceof java.sql.Date || v instanceof java.time.temporal.Temporal) return v.toString();
    if (v instanceof byte[] b) {
      bytes[0] += b.length * 4L / 3;
      return Base64.getEncoder().encodeToString(b);
    }
    if (v instanceof Blob b) {
      long len = b.length();
      if (len > Integer.MAX_VALUE) throw new QueryException(QueryException.Kind.TOO_LARGE, "a blob value is over 2 GiB");
      bytes[0] += len * 4 / 3;
      return Base64.getEncoder().encodeToString(b.getBytes(1, (int) len));
    }
    if (v instanceof Array a) {
      List<Object> out = new ArrayList<>();
      for (Object o : (Object[]) a.getArray()) out.add(value(o, bytes));
      return out;
    }
    if (v instanceof Struct s) {
      Object[] values = s.getAttributes();
      Map<String, Object> out = new LinkedHashMap<>();
      if (v instanceof org.duckdb.DuckDBStruct ds) {
        for (Map.Entry<String, Object> e : ds.getMap().entrySet()) out.put(e.getKey(), value(e.getValue(), bytes));
        return out;
      }
      for (int i = 0; i < values.length; i++) out.put("f" + i, value(values[i], bytes));
      return out;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), value(e.getValue(), bytes));
      return out;
    }
    String s = v.toString();
    bytes[0] += s.length();
    return s;
  }
}
