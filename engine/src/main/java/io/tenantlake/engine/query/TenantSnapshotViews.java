package io.tenantlake.engine.query;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.TableHistory;
import io.tenantlake.engine.delta.TableSchema;
import io.tenantlake.engine.refined.RefinedTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a tenant's query sees: for each refined model, the current Delta snapshot's version, its
 * schema and the live files of the tenant's partition of it, from that one snapshot. Files are
 * listed from the log, never by a directory glob: the folder still holds files that later commits
 * removed (until VACUUM), and other tenants' folders are beside it.
 */
public final class TenantSnapshotViews implements AutoCloseable {
  /** The columns a view leaves out: the partition column and the system columns a tenant has no use for. */
  static final Set<String> HIDDEN = Set.of(RefinedTables.TENANT_ID, RefinedTables.ENTITY_ID, RefinedTables.DELETED,
      RefinedTables.EVENT_ID);

  /** One model's view: its name, table, version, the columns the view shows and the tenant's files. */
  public record ModelSnapshot(String model, String table, long version, TableSchema schema, List<DataFile> files) {
    /** The view's columns in table order: the model's, then {@code _version} and {@code _updated_at}. */
    public List<Column> visibleColumns() {
      List<Column> out = new ArrayList<>();
      for (Column c : schema.columns()) if (!HIDDEN.contains(c.name()) && !isSystem(c)) out.add(c);
      for (Column c : schema.columns()) if (isSystem(c) && !HIDDEN.contains(c.name())) out.add(c);
      return out;
    }

    private static boolean isSystem(Column c) {
      return c.name().equals(RefinedTables.VERSION) || c.name().equals(RefinedTables.UPDATED_AT);
    }
  }

  private final Map<String, DeltaTable> tables = new LinkedHashMap<>();
  /** Log listings are blocking reads of the store: their own small pool, daemon threads. */
  private final java.util.concurrent.ExecutorService listing =
      java.util.concurrent.Executors.newFixedThreadPool(4, io.tenantlake.engine.DaemonThreads.named("query-listing"));

  public TenantSnapshotViews(DeltaStorage storage, List<String> models) {
    for (String m : models) tables.put(m, DeltaTable.at(storage, RefinedTables.tableName(m)));
  }

  public List<String> models() {
    return List.copyOf(tables.keySet());
  }

  /**
   * The tenant's snapshot of each named model whose table exists (a model nothing was written to
   * yet has none), the tables listed concurrently: each listing reads the table's log.
   */
  public List<ModelSnapshot> snapshot(String tenant, java.util.Collection<String> models) {
    List<java.util.concurrent.CompletableFuture<java.util.Optional<ModelSnapshot>>> parts = new ArrayList<>();
    tables.forEach((model, table) -> {
      if (!models.contains(model)) return;
      parts.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          TableHistory.SnapshotFiles s = new TableHistory(table).current(
              pv -> pv != null && tenant.equals(pv.get(RefinedTables.TENANT_ID)));
          return java.util.Optional.of(new ModelSnapshot(model, table.name(), s.version(), s.schema(), s.files()));
        } catch (io.tenantlake.engine.delta.HistoryUnavailableException noTableYet) {
          return java.util.Optional.<ModelSnapshot>empty();
        }
      }, listing));
    });
    List<ModelSnapshot> out = new ArrayList<>();
    for (var p : parts) {
      try {
        p.join().ifPresent(out::add);
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    return out;
  }

  /** Every model's snapshot for the tenant. */
  public List<ModelSnapshot> snapshot(String tenant) {
    return snapshot(tenant, tables.keySet());
  }

  @Override
  public void close() {
    listing.shutdownNow();
  }
}
