package io.tenantlake.engine.query;

import java.util.Set;

/**
 * A view defined over the model views rather than over files: an enhanced view or a scoped data
 * source. Created in a query's sandbox after the model views, when every model it reads has one.
 */
public record DerivedView(String name, String sql, Set<String> models) {
  public DerivedView {
    models = Set.copyOf(models);
  }
}
