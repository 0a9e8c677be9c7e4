package io.tenantlake.engine.refined;

import io.tenantlake.engine.delta.Row;
import io.tenantlake.engine.delta.TableSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an {@link EntityRows} into the refined table's rows: the model's values placed by column
 * name (the table may order them differently after schema changes), tenant_id and the system
 * columns filled in, or a single tombstone row when the entity is deleted or yields no rows.
 */
final class UpdateRows {
  private final ModelSchema model;
  private final TableSchema schema;
  private final int[] modelIdx;
  private final int[] keyIdx;
  private final int tenantIdx;
  private final int entityIdx;
  private final int versionIdx;
  private final int deletedIdx;
  private final int eventIdx;
  private final int updatedIdx;

  UpdateRows(ModelSchema model, TableSchema schema) {
    this.model = model;
    this.schema = schema;
    this.modelIdx = model.columns().stream().mapToInt(c -> schema.indexOf(c.name())).toArray();
    this.keyIdx = model.keyColumns().stream().mapToInt(schema::indexOf).toArray();
    this.tenantIdx = schema.indexOf(RefinedTables.TENANT_ID);
    this.entityIdx = schema.indexOf(RefinedTables.ENTITY_ID);
    this.versionIdx = schema.indexOf(RefinedTables.VERSION);
    this.deletedIdx = schema.indexOf(RefinedTables.DELETED);
    this.eventIdx = schema.indexOf(RefinedTables.EVENT_ID);
    this.updatedIdx = schema.indexOf(RefinedTables.UPDATED_AT);
  }

  /** Checks an update against the model (arity, types, non-null keys) and makes its rows; throws naming the entity. */
  PartitionMerge.Update of(EntityRows e) {
    if (e.tenantId() == null || e.tenantId().isBlank()) {
      throw new IllegalArgumentException("model " + model.name() + ": entity " + e.entityId() + " has no tenant id");
    }
    if (e.entityId() == null || e.entityId().isEmpty()) {
      throw new IllegalArgumentException("model " + model.name() + ": tenant " + e.tenantId() + ": an update without entity id");
    }
    if (e.rows().isEmpty()) return new PartitionMerge.Update(e.entityId(), e.version(), List.of(Row.wrap(systemValues(e, true))), e.updatedAt());
    List<Row> rows = new ArrayList<>(e.rows().size());
    for (Object[] r : e.rows()) {
      if (r.length != modelIdx.length) {
        throw invalid(e, "a row has " + r.length + " values, the model " + modelIdx.length + " columns");
      }
      Object[] values = systemValues(e, false);
      for (int i = 0; i < r.length; i++) values[modelIdx[i]] = r[i];
      for (int k : keyIdx) {
        if (values[k] == null) throw invalid(e, "key column " + schema.columns().get(k).name() + " is null");
      }
      Row row = Row.wrap(values);
      try {
        schema.check(row);
      } catch (IllegalArgumentException ex) {
        throw invalid(e, ex.getMessage());
      }
      rows.add(row);
    }
    return new PartitionMerge.Update(e.entityId(), e.version(), List.copyOf(rows), e.updatedAt());
  }

  private Object[] systemValues(EntityRows e, boolean tombstone) {
    Object[] values = new Object[schema.columns().size()];
    values[tenantIdx] = e.tenantId();
    values[entityIdx] = e.entityId();
    values[versionIdx] = e.version();
    values[deletedIdx] = tombstone;
    values[eventIdx] = e.eventId();
    values[updatedIdx] = e.updatedAt();
    return values;
  }

  private IllegalArgumentException invalid(EntityRows e, String why) {
    return new IllegalArgumentException("model " + model.name() + ", tenant " + e.tenantId() + ", entity "
        + e.entityId() + " version " + e.version() + ": " + why);
  }
}
