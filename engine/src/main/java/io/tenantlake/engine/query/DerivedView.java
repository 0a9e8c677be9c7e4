package io.tenantlake.engine.query;

import java.util.Set;
import java.util.function.Function;

/**
 * A view defined over the models rather than over files: an enhanced view or a scoped data source.
 * Created in a query's sandbox after the model views, when every model it reads has a snapshot.
 * Its SQL is made from how each model is reached: the model's view by name, or (for a token scoped
 * to data sources, whose query must not see the models) the model's SELECT inline.
 *
 * @param inlineable whether the SQL reaches the models only through {@code sql}'s argument (data
 *     sources); an enhanced view's text names the model views itself
 */
public record DerivedView(String name, Set<String> models, boolean inlineable, Function<Function<String, String>, String> sql) {
  public DerivedView {
    models = Set.copyOf(models);
  }

  /** A view whose SQL text is fixed (it names the model views itself). */
  static DerivedView text(String name, Set<String> models, String sql) {
    return new DerivedView(name, models, false, relation -> sql);
  }
}
