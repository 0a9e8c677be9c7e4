package io.tenantlake.engine.query;

import com.typesafe.config.Config;
import io.tenantlake.engine.model.ModelCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The enhanced views of {@code tenantlake.query.enhanced-views}: SQL over the refined models, read
 * once at start from {@code enhanced-dir}, checked like a tenant's query (one read-only statement)
 * and against the models (it must read at least one; a name may not be a model's). A query that
 * names a view gets it, and views for the models it reads.
 */
public final class EnhancedViews {
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  private final Map<String, DerivedView> views;

  private EnhancedViews(Map<String, DerivedView> views) {
    this.views = Map.copyOf(views);
  }

  public static EnhancedViews none() {
    return new EnhancedViews(Map.of());
  }

  /** Builds the views from SQL texts by name, checked against the model names. */
  public static EnhancedViews of(Map<String, String> sqlByName, List<String> models) {
    Map<String, DerivedView> views = new LinkedHashMap<>();
    sqlByName.forEach((name, sql) -> {
      String where = "tenantlake.query.enhanced-views: " + name;
      if (!NAME.matcher(name).matches()) throw new IllegalArgumentException(where + " is not a view name (lower-case snake case)");
      if (models.contains(name)) throw new IllegalArgumentException(where + " has the name of a model");
      StatementGuard.check(sql).ifPresent(why -> {
        throw new IllegalArgumentException(where + ": " + why);
      });
      Set<String> reads = new java.util.TreeSet<>(StatementGuard.namesUsed(sql));
      reads.retainAll(models);
      if (reads.isEmpty()) throw new IllegalArgumentException(where + " reads none of the models " + models);
      views.put(name, DerivedView.text(name, Set.copyOf(reads), sql.strip().replaceAll(";+$", "")));
    });
    return new EnhancedViews(views);
  }

  /** Reads {@code tenantlake.query.enhanced-views} and their SQL files. */
  public static EnhancedViews fromConfig(Config root, List<String> models) {
    Config q = root.getConfig("tenantlake.query");
    ModelCatalog.SqlFiles files = ModelCatalog.sqlFiles(q.getString("enhanced-dir"), EnhancedViews.class.getClassLoader());
    Map<String, String> sql = new LinkedHashMap<>();
    for (Config v : q.getConfigList("enhanced-views")) {
      String name = v.getString("name");
      String file = v.hasPath("sql") ? v.getString("sql") : name + ".sql";
      try {
        sql.put(name, files.read(file).orElseThrow(() -> new IllegalArgumentException(
            "tenantlake.query.enhanced-views: " + name + ": no file " + files.locate(file))));
      } catch (IOException e) {
        throw new UncheckedIOException("enhanced view " + name + ": cannot read " + files.locate(file), e);
      }
    }
    return of(sql, models);
  }

  /** The views a query names, in configuration order. */
  public List<DerivedView> usedBy(Set<String> names) {
    List<DerivedView> out = new ArrayList<>();
    for (DerivedView v : views.values()) if (names.contains(v.name())) out.add(v);
    return out;
  }

  public Set<String> names() {
    return views.keySet();
  }
}
