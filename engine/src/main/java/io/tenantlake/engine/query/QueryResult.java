package io.tenantlake.engine.query;

import java.util.List;
import java.util.Map;

/**
 * A query's answer: its columns with DuckDB's type names, the rows (values as String, Long,
 * Integer, Double, Boolean, BigDecimal, BigInteger, List, Map or null; timestamps as ISO-8601
 * text in UTC, blobs as base64), whether rows were cut at the limit, and the Delta version of
 * every model table the query's views were built from.
 */
public record QueryResult(List<ColumnInfo> columns, List<List<Object>> rows, boolean truncated,
    Map<String, Long> tableVersions, long elapsedMs) {

  public record ColumnInfo(String name, String type) {}
}
