package io.tenantlake.engine.refined;

import java.time.Instant;
import java.util.List;

/**
 * What one entity's winning event makes of one model: the rows that replace all of that entity's
 * rows in the model's refined table. {@code rows} hold the model's own columns, in the order of
 * {@link ModelSchema#columns()} (no tenant_id, no system columns). A deleted winner, or one whose
 * model yields no rows, carries an empty list: the refined table then keeps a tombstone row for the
 * entity (its version), so that an older, late event cannot bring the entity back.
 */
public record EntityRows(String tenantId, String entityType, String entityId, long version, boolean deleted,
    String eventId, Instant updatedAt, List<Object[]> rows) {

  public EntityRows {
    rows = List.copyOf(rows);
    if (deleted && !rows.isEmpty()) throw new IllegalArgumentException("a deleted entity has no rows: " + entityId);
  }
}
