package io.tenantlake.engine.raw;

import static io.tenantlake.engine.delta.Column.required;

import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.TableSchema;
import java.util.List;

/**
 * A lane's checkpoint table ({@code _checkpoints/<lane>}): a Delta table whose commits carry no
 * data, only txn actions and the lane's positions in their metadata. It is committed after the
 * raw tables of a batch, so its positions are a point up to which every table is complete.
 */
public final class CheckpointTable {
  private CheckpointTable() {}

  public static final TableSchema SCHEMA = TableSchema.of(List.of(
      required("source", ColumnType.STRING),
      required("partition_id", ColumnType.STRING),
      required("sequence_number", ColumnType.STRING)), "source");

  public static String name(String lane) {
    return "_checkpoints/" + lane;
  }
}
