package io.tenantlake.engine.refined;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.TableSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The layout of {@code refined/<model>} tables: partitioned by tenant_id, the model's columns (all
 * nullable: a tombstone row has none), then the system columns.
 *
 * <p>{@code _entity_id} is the source entity that produced a row: all rows of an entity are
 * replaced together (an exploded model has several rows per entity), and files are sorted by it so
 * that their min/max statistics tell which files can hold an entity. {@code _version} is the
 * version of the event the rows come from, {@code _deleted} marks the tombstone an entity leaves
 * when deleted, {@code _event_id} and {@code _updated_at} say which event and when.
 *
 * <p>{@code _entity_id} holds the entity id alone: a model is fed by one entity type. File
 * skipping needs its min/max statistics, which are kept for ids of at most
 * {@link io.tenantlake.engine.delta.FileStats#MAX_STRING_STAT} characters; files holding longer ids
 * are always read.
 */
public final class RefinedTables {
  public static final String TENANT_ID = "tenant_id";
  public static final String ENTITY_ID = "_entity_id";
  public static final String VERSION = "_version";
  public static final String DELETED = "_deleted";
  public static final String EVENT_ID = "_event_id";
  public static final String UPDATED_AT = "_updated_at";
  /**
   * Table property set by the tombstone purge (io.tenantlake.engine.maintenance): tombstones with
   * {@code _updated_at} before this (epoch ms) may have been removed, so an update of an entity
   * without a row whose event is older is too late (dead-lettered, not applied).
   */
  public static final String PURGED_BEFORE = "tenantlake.tombstones.purgedBefore";

  /** The system columns, in table order. */
  public static final List<Column> SYSTEM_COLUMNS = List.of(
      Column.required(ENTITY_ID, ColumnType.STRING),
      Column.required(VERSION, ColumnType.LONG),
      Column.required(DELETED, ColumnType.BOOLEAN),
      Column.optional(EVENT_ID, ColumnType.STRING),
      Column.optional(UPDATED_AT, ColumnType.TIMESTAMP));

  private static final Column TENANT = Column.required(TENANT_ID, ColumnType.STRING);

  private RefinedTables() {}

  /** {@code refined/<model>}: the table's name under the storage root, and its txn application id. */
  public static String tableName(ModelSchema model) {
    return tableName(model.name());
  }

  public static String tableName(String modelName) {
    return "refined/" + modelName;
  }

  /** The schema of a new refined table for this model. */
  public static TableSchema schema(ModelSchema model) {
    List<Column> columns = new ArrayList<>();
    columns.add(TENANT);
    for (Column c : model.columns()) columns.add(Column.optional(c.name(), c.type()));
    columns.addAll(SYSTEM_COLUMNS);
    return new TableSchema(columns, List.of(TENANT_ID));
  }

  /**
   * The schema an existing refined table takes for this (possibly newer) model: the existing one,
   * with the model's new columns appended as nullable columns (after the system columns: Delta
   * only appends, and readers address columns by name). A column the model dropped, renamed or
   * retyped is an error naming the model: that needs a new table, not an in-place change.
   */
  public static TableSchema evolve(TableSchema existing, ModelSchema model) {
    String table = tableName(model);
    if (!existing.partitionColumns().equals(List.of(TENANT_ID))) {
      throw new IllegalStateException("model " + model.name() + ": table " + table + " is partitioned by "
          + existing.partitionColumns() + ", not by " + TENANT_ID + ": not a refined table");
    }
    Map<String, Column> wanted = new HashMap<>();
    for (Column c : model.columns()) wanted.put(c.name(), c);
    for (Column c : SYSTEM_COLUMNS) wanted.put(c.name(), c);
    wanted.put(TENANT_ID, TENANT);
    List<String> problems = new ArrayList<>();
    for (Column c : existing.columns()) {
      Column w = wanted.get(c.name());
      if (w == null) {
        problems.add("column " + c.name() + " is no longer in the model (removed or renamed)");
      } else if (w.type() != c.type()) {
        problems.add("column " + c.name() + " changes type from " + c.type() + " to " + w.type());
      }
    }
    for (Column c : SYSTEM_COLUMNS) {
      if (!existing.columnNames().contains(c.name())) problems.add("system column " + c.name() + " is missing");
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("model " + model.name() + ": cannot evolve table " + table + " "
          + existing.columnNames() + " to the model's columns " + model.columns().stream().map(Column::name).toList()
          + ": " + String.join("; ", problems)
          + " (only adding columns is supported; anything else needs a new model name and a rebuild)");
    }
    List<Column> columns = new ArrayList<>(existing.columns());
    for (Column c : model.columns()) {
      if (!existing.columnNames().contains(c.name())) columns.add(Column.optional(c.name(), c.type()));
    }
    return columns.size() == existing.columns().size() ? existing : new TableSchema(columns, existing.partitionColumns());
  }

  /** The watermark recorded in a commit's user metadata (as written by {@link RefinedTableWriter}), if any. */
  static Optional<String> watermarkOf(String userMetadataJson) {
    try {
      var node = JSON.readTree(userMetadataJson).get(RefinedTableWriter.WATERMARK_KEY);
      return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Optional.empty();
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
}
