package io.tenantlake.engine.query;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.query.TenantSnapshotViews.ModelSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scoped data sources: a tenant names a view of one model filtered by a condition ({@code
 * project_key = 'XYZ'}); queries then read it like a model. Creating one checks the name, the
 * model, and the filter against the model's current columns ({@link FilterParser}); a query that
 * names a source gets {@code SELECT * FROM <model> WHERE <filter as parsed>} as a view.
 */
public final class DataSources {
  private static final Logger log = LoggerFactory.getLogger(DataSources.class);
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  /** Per tenant: a bounded number, since each is read on every query that names one. */
  static final int MAX_PER_TENANT = 100;

  private final DataSourceStore store;
  private final TenantSnapshotViews views;
  private final Set<String> reserved;

  public DataSources(DataSourceStore store, TenantSnapshotViews views, Set<String> enhancedViews) {
    this.store = store;
    this.views = views;
    Set<String> r = new HashSet<>(views.models());
    r.addAll(enhancedViews);
    this.reserved = Set.copyOf(r);
  }

  public List<DataSource> list(String tenant) {
    return store.list(tenant);
  }

  public Optional<DataSource> get(String tenant, String name) {
    return store.get(tenant, name);
  }

  public boolean delete(String tenant, String name) {
    return store.delete(tenant, name);
  }

  /** Thrown when the tenant has a data source of that name already. */
  public static final class Exists extends RuntimeException {
    Exists(String message) {
      super(message);
    }
  }

  /** Creates a data source; an {@link IllegalArgumentException} names what was refused. */
  public DataSource create(String tenant, String name, String model, String filter) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("\"name\" must be lower-case snake case, 1 to 63 characters, starting with a letter");
    }
    if (reserved.contains(name)) throw new IllegalArgumentException("\"" + name + "\" is the name of a model or an enhanced view");
    if (model == null || !views.models().contains(model)) {
      throw new IllegalArgumentException("\"model\" must be one of " + views.models());
    }
    List<ModelSnapshot> snap = views.snapshot(tenant, Set.of(model));
    if (snap.isEmpty()) throw new IllegalArgumentException("the model " + model + " has no table yet: nothing was ingested for it");
    FilterParser.toSql(filter, columns(snap.get(0)), booleanColumns(snap.get(0)));
    if (store.list(tenant).size() >= MAX_PER_TENANT) {
      throw new IllegalArgumentException("tenant " + tenant + " has " + MAX_PER_TENANT + " data sources, the most allowed");
    }
    DataSource ds = new DataSource(name, model, filter, System.currentTimeMillis());
    if (!store.create(tenant, ds)) throw new Exists("tenant " + tenant + " has a data source " + name + " already");
    log.info("query: tenant {} created data source {} over {}", tenant, name, model);
    return ds;
  }

  /** The tenant's data sources that a query names (within the scope, when its token has one). */
  List<DataSource> usedBy(String tenant, Set<String> names, Optional<Set<String>> scope) {
    List<DataSource> out = new ArrayList<>();
    for (DataSource d : store.list(tenant)) {
      if (names.contains(d.name()) && scope.map(s -> s.contains(d.name())).orElse(true)) out.add(d);
    }
    return out;
  }

  /** The views of the sources over the query's model snapshots; a source whose filter no longer parses is left out. */
  static List<DerivedView> views(List<DataSource> sources, List<ModelSnapshot> snapshots) {
    List<DerivedView> out = new ArrayList<>();
    for (DataSource d : sources) {
      for (ModelSnapshot m : snapshots) {
        if (!m.model().equals(d.model())) continue;
        try {
          String where = FilterParser.toSql(d.filter(), columns(m), booleanColumns(m));
          String model = m.model();
          out.add(new DerivedView(d.name(), Set.of(model), true,
              relation -> "SELECT * FROM " + relation.apply(model) + " WHERE " + where));
        } catch (IllegalArgumentException e) {
          log.warn("query: data source {} over {} left out: its filter no longer parses ({})", d.name(), d.model(), e.getMessage());
        }
      }
    }
    return out;
  }

  private static Set<String> columns(ModelSnapshot m) {
    Set<String> out = new HashSet<>();
    for (Column c : m.visibleColumns()) out.add(c.name());
    return out;
  }

  private static Set<String> booleanColumns(ModelSnapshot m) {
    Set<String> out = new HashSet<>();
    for (Column c : m.visibleColumns()) if (c.type() == ColumnType.BOOLEAN) out.add(c.name());
    return out;
  }
}
