package io.tenantlake.engine.query;

import java.util.List;
import java.util.Optional;

/**
 * What a tenant asks: SQL text, an optional row limit (at most {@code max-rows}), and the values of
 * its {@code ?} parameters in order (String, Long, Double, Boolean or null).
 */
public record QueryRequest(String sql, Optional<Integer> limit, List<Object> parameters) {
  public QueryRequest {
    parameters = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(parameters));
  }

  public static QueryRequest of(String sql) {
    return new QueryRequest(sql, Optional.empty(), List.of());
  }
}
