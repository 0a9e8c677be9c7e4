package io.tenantlake.engine.refined;

import io.tenantlake.engine.delta.Column;
import java.util.List;

/**
 * A model's output: its name (the refined table is {@code refined/<name>}), its columns as the
 * model's SQL yields them (without tenant_id and the system columns), and which of them form the
 * row key within a tenant.
 */
public record ModelSchema(String name, List<Column> columns, List<String> keyColumns) {
  public ModelSchema {
    columns = List.copyOf(columns);
    keyColumns = List.copyOf(keyColumns);
    if (keyColumns.isEmpty()) throw new IllegalArgumentException("model " + name + " needs key columns");
    for (String k : keyColumns) {
      if (columns.stream().noneMatch(c -> c.name().equals(k))) {
        throw new IllegalArgumentException("model " + name + ": key column " + k + " is not one of its columns");
      }
    }
    for (Column c : columns) {
      if (c.name().equals("tenant_id") || c.name().startsWith("_")) {
        throw new IllegalArgumentException("model " + name + ": column " + c.name()
            + " is reserved (tenant_id and names starting with _ are system columns)");
      }
    }
  }
}
