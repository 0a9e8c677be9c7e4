package io.tenantlake.engine.model;

import com.typesafe.config.Config;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.engine.refined.EntityRows;
import io.tenantlake.engine.refined.ModelSchema;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBConnection;

/**
 * Applies the SQL models to micro-batches of winning events, in one embedded, in-memory DuckDB
 * connection kept for the runner's life (not thread-safe: one runner per thread or actor; calls are
 * serialised). Construction checks every model of the catalog and derives its {@link ModelSchema}
 * by running its SQL over an empty {@code events} relation; a model that does not fit the contract
 * (see {@code conf/models/README.md}) throws a {@link ModelException} naming it.
 *
 * <p>For each model fed by the batch's entity types, each winner of those types yields one
 * {@link EntityRows}: deleted with no rows for a DELETED winner (the SQL does not see deletes), else
 * the rows the SQL output for that entity, possibly none. Input should hold one winner per
 * (tenant, entity type, entity id); if it holds more, the highest version is kept.
 *
 * <p>Bad input harms nothing else: an event whose payload cannot be printed, for which the SQL
 * fails (found by splitting the batch), or whose rows have a null or duplicate key is reported as a
 * {@link Failure} by {@link #runIsolating}; the other events' rows are unaffected.
 */
public final class ModelRunner implements AutoCloseable {

  /** One event that a model could not apply: the caller dead-letters it. */
  public record Failure(String model, RawEvent event, String reason) {
    /** The event and the reason, without the model's name. */
    public String describe() {
      ChangeEvent e = event.event();
      return "event " + e.getEventId() + " (" + e.getTenantId() + "/" + e.getEntityType() + "/" + e.getEntityId()
          + " v" + e.getVersion() + "): " + reason;
    }

    @Override
    public String toString() {
      return "model " + model + ": " + describe();
    }
  }

  /** Per model (in catalog order) its entities' rows (in input order), and the events that failed. */
  public record Result(Map<String, List<EntityRows>> rows, List<Failure> failures) {}

  private record EntityKey(String tenantId, String entityType, String entityId) {
    static EntityKey of(ChangeEvent e) {
      return new EntityKey(e.getTenantId(), e.getEntityType(), e.getEntityId());
    }
  }

  private final ModelCatalog catalog;
  private final DuckDBConnection conn;
  private final EventTable table;
  private final Map<String, ModelQuery> queries = new LinkedHashMap<>();

  public ModelRunner(ModelCatalog catalog) {
    this(catalog, ModelRunnerSettings.defaults());
  }

  public ModelRunner(ModelCatalog catalog, ModelRunnerSettings settings) {
    this.catalog = catalog;
    try {
      this.conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot start the embedded DuckDB: " + e.getMessage(), e);
    }
    try {
      try (Statement s = conn.createStatement()) {
        s.execute("SET threads = " + settings.threads());
        s.execute("SET memory_limit = '" + Math.max(1, settings.memoryLimit() >> 10) + "KiB'");
        // Timestamps are UTC whatever the host's zone; model SQL reads only the batch.
        s.execute("SET TimeZone = 'UTC'");
        s.execute("SET enable_external_access = false");
        s.execute("SET lock_configuration = true");
      }
      this.table = new EventTable(conn, catalog.registry());
      table.reset();
      for (ModelDefinition m : catalog.all()) queries.put(m.name(), ModelQuery.prepare(conn, m));
    } catch (SQLException | RuntimeException e) {
      closeQuietly();
      if (e instanceof RuntimeException r) throw r;
      throw new IllegalStateException("cannot set up the embedded DuckDB: " + e.getMessage(), e);
    }
  }

  /** The models of {@code tenantlake.models} with the settings of {@code tenantlake.model-runner}. */
  public static ModelRunner fromConfig(Config root, EntityTypeRegistry registry) {
    return new ModelRunner(ModelCatalog.fromConfig(root, registry), ModelRunnerSettings.fromConfig(root));
  }

  public ModelCatalog catalog() {
    return catalog;
  }

  /** The model's output columns and key, as derived from its SQL at start-up. */
  public ModelSchema schema(String model) {
    ModelQuery q = queries.get(model);
    if (q == null) throw new IllegalArgumentException("no model " + model + " (known: " + queries.keySet() + ")");
    return q.schema();
  }

  /** Every model's schema, in catalog order. */
  public Map<String, ModelSchema> schemas() {
    Map<String, ModelSchema> out = new LinkedHashMap<>();
    queries.forEach((name, q) -> out.put(name, q.schema()));
    return Collections.unmodifiableMap(out);
  }

  /**
   * The rows of every model fed by the batch; throws a {@link ModelException} naming the first
   * failing event when any event fails (see {@link #runIsolating} to keep the others' rows).
   */
  public Map<String, List<EntityRows>> run(List<RawEvent> winners) {
    Result r = runIsolating(winners);
    if (!r.failures().isEmpty()) {
      Failure f = r.failures().get(0);
      throw new ModelException(f.model(), f.describe()
          + (r.failures().size() > 1 ? " (and " + (r.failures().size() - 1) + " more failures)" : ""));
    }
    return r.rows();
  }

  /** The rows of every model fed by the batch, and the events that some model could not apply. */
  public synchronized Result runIsolating(List<RawEvent> winners) {
    // One winner per entity, input order kept; only entity types that feed a model.
    Map<EntityKey, RawEvent> latest = new LinkedHashMap<>();
    for (RawEvent raw : winners) {
      if (catalog.forEntityType(raw.event().getEntityType()).isEmpty()) continue;
      latest.merge(EntityKey.of(raw.event()), raw, (a, b) -> b.event().getVersion() > a.event().getVersion() ? b : a);
    }
    List<RawEvent> live = new ArrayList<>();
    Set<String> types = new HashSet<>();
    for (RawEvent raw : latest.values()) {
      types.add(raw.event().getEntityType());
      if (!isDelete(raw)) live.add(raw);
    }
    EventTable.Loaded loaded;
    try {
      loaded = table.load(live);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot load the batch into DuckDB: " + e.getMessage(), e);
    }
    Map<EntityKey, Integer> seqOf = new HashMap<>();
    for (int i = 0; i < loaded.events().size(); i++) seqOf.put(EntityKey.of(loaded.events().get(i).event()), i);

    Map<String, List<EntityRows>> rows = new LinkedHashMap<>();
    List<Failure> failures = new ArrayList<>();
    for (ModelQuery q : queries.values()) {
      ModelDefinition m = q.definition();
      if (m.sourceTypes().stream().noneMatch(types::contains)) continue;
      Map<EntityKey, String> failed = new HashMap<>();
      for (EventTable.Rejected r : loaded.rejected()) {
        if (m.readsFrom(r.event().event().getEntityType())) failed.put(EntityKey.of(r.event().event()), r.reason());
      }
      Map<EntityKey, List<Object[]>> byEntity = apply(q, loaded, seqOf, failed);
      List<EntityRows> out = new ArrayList<>();
      for (RawEvent raw : latest.values()) {
        ChangeEvent e = raw.event();
        if (!m.readsFrom(e.getEntityType())) continue;
        EntityKey key = EntityKey.of(e);
        String reason = failed.get(key);
        if (reason != null) {
          failures.add(new Failure(m.name(), raw, reason));
          continue;
        }
        boolean deleted = isDelete(raw);
        out.add(new EntityRows(e.getTenantId(), e.getEntityType(), e.getEntityId(), e.getVersion(), deleted,
            e.getEventId(), updatedAt(raw), deleted ? List.of() : byEntity.getOrDefault(key, List.of())));
      }
      rows.put(m.name(), Collections.unmodifiableList(out));
    }
    return new Result(Collections.unmodifiableMap(rows), List.copyOf(failures));
  }

  /** Runs one model over the loaded batch; entities whose event fails land in {@code failed}. */
  private Map<EntityKey, List<Object[]>> apply(ModelQuery q, EventTable.Loaded loaded, Map<EntityKey, Integer> seqOf,
      Map<EntityKey, String> failed) {
    ModelDefinition m = q.definition();
    List<Integer> seqs = new ArrayList<>();
    for (int i = 0; i < loaded.events().size(); i++) {
      if (m.readsFrom(loaded.events().get(i).event().getEntityType())) seqs.add(i);
    }
    List<ModelQuery.OutRow> out = new ArrayList<>();
    if (!seqs.isEmpty()) collect(q, seqs, 0, seqs.size(), loaded, out, failed);

    Map<EntityKey, List<Object[]>> byEntity = new HashMap<>();
    for (ModelQuery.OutRow row : out) {
      EntityKey key = new EntityKey(row.tenantId(), row.entityType(), row.entityId());
      Integer seq = seqOf.get(key);
      if (seq == null || !m.readsFrom(key.entityType())) {
        throw new ModelException(m.name(), "output a row for " + key.tenantId() + "/" + key.entityType() + "/"
            + key.entityId() + ", which is not an event of the batch: tenant_id and entity_id (and entity_type)"
            + " must be passed through from events unchanged");
      }
      byEntity.computeIfAbsent(key, k -> new ArrayList<>()).add(row.values());
    }
    byEntity.entrySet().removeIf(e -> {
      String problem = q.keyProblem(e.getValue());
      if (problem != null) failed.put(e.getKey(), problem);
      return problem != null;
    });
    byEntity.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return byEntity;
  }

  /** Runs the SQL over positions [from, to) of {@code seqs}, splitting the range when it fails. */
  private void collect(ModelQuery q, List<Integer> seqs, int from, int to, EventTable.Loaded loaded,
      List<ModelQuery.OutRow> out, Map<EntityKey, String> failed) {
    try {
      out.addAll(q.execute(conn, seqs.get(from), seqs.get(to - 1) + 1));
    } catch (SQLException e) {
      if (from == 0 && to == seqs.size()) checkSystemic(q, e);
      if (to - from == 1) {
        failed.put(EntityKey.of(loaded.events().get(seqs.get(from)).event()),
            "SQL fails for this event: " + EventTable.message(e));
        return;
      }
      int mid = (from + to) >>> 1;
      collect(q, seqs, from, mid, loaded, out, failed);
      collect(q, seqs, mid, to, loaded, out, failed);
    }
  }

  /** When the SQL fails even with no events at all, the fault is not the data's. */
  private void checkSystemic(ModelQuery q, SQLException cause) {
    try {
      q.execute(conn, 0, 0);
    } catch (SQLException e) {
      throw new ModelException(q.definition().name(), "SQL fails even on an empty batch: " + EventTable.message(e), cause);
    }
  }

  private static boolean isDelete(RawEvent raw) {
    return raw.event().getOp() == Op.OP_DELETED;
  }

  private static Instant updatedAt(RawEvent raw) {
    ChangeEvent e = raw.event();
    if (e.hasEmittedAt()) return Instant.ofEpochSecond(e.getEmittedAt().getSeconds(), e.getEmittedAt().getNanos());
    return raw.ingestedAt();
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      if (conn != null) conn.close();
    } catch (SQLException ignored) {
      // nothing left to release
    }
  }
}
