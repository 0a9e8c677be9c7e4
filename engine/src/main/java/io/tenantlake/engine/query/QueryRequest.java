package io.tenantlake.engine.query;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a tenant asks: SQL text, an optional row limit (at most {@code max-rows}), the values of
 * its {@code ?} parameters in order (String, Long, Double, Boolean or null), and, for a token
 * scoped to data sources, the names of the data sources it may read (then the query sees those
 * and nothing else: no model, no enhanced view).
 */
public record QueryRequest(String sql, Optional<Integer> limit, List<Object> parameters, Optional<Set<String>> scope) {
  public QueryRequest {
    parameters = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(parameters));
    scope = scope.map(Set::copyOf);
  }

  /** A request with the tenant's full token: every model, enhanced view and data source. */
  public QueryRequest(String sql, Optional<Integer> limit, List<Object> parameters) {
    this(sql, limit, parameters, Optional.empty());
  }

  public static QueryRequest of(String sql) {
    return new QueryRequest(sql, Optional.empty(), List.of());
  }
}
