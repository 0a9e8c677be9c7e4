package io.tenantlake.engine.delta;

import io.delta.standalone.types.StructField;
import io.delta.standalone.types.StructType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The schema of a table: its columns in order and which of them partition it. Partition columns
 * are strings (tenant ids): their values live in directory names and in the log, not in the files.
 */
public record TableSchema(List<Column> columns, List<String> partitionColumns) {

  public TableSchema {
    columns = List.copyOf(columns);
    partitionColumns = List.copyOf(partitionColumns);
    if (columns.isEmpty()) throw new IllegalArgumentException("a table needs at least one column");
    Set<String> names = new HashSet<>();
    for (Column c : columns) {
      if (!names.add(c.name())) throw new IllegalArgumentException("duplicate column " + c.name());
    }
    for (String p : partitionColumns) {
      Column c = columns.stream().filter(x -> x.name().equals(p)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("partition column " + p + " is not a column"));
      if (c.type() != ColumnType.STRING || c.nullable()) {
        throw new IllegalArgumentException("partition column " + p + " must be a required STRING");
      }
    }
    if (partitionColumns.size() == columns.size()) {
      throw new IllegalArgumentException("a table needs at least one data column besides its partitions");
    }
  }

  public static TableSchema of(List<Column> columns, String... partitionColumns) {
    return new TableSchema(columns, List.of(partitionColumns));
  }

  /** Index of a column by name; throws with the known names if there is none. */
  public int indexOf(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) return i;
    }
    throw new IllegalArgumentException("no column '" + name + "' in " + columnNames());
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  public boolean isPartitionColumn(String name) {
    return partitionColumns.contains(name);
  }

  /** The columns stored in data files: all but the partition columns, in table order. */
  public List<Column> dataColumns() {
    return columns.stream().filter(c -> !isPartitionColumn(c.name())).toList();
  }

  /** The partition values of a row, as the log records them. */
  public Map<String, String> partitionValuesOf(Row row) {
    if (partitionColumns.size() == 1) {
      String p = partitionColumns.get(0);
      return Map.of(p, (String) row.get(indexOf(p)));
    }
    Map<String, String> values = new HashMap<>();
    for (String p : partitionColumns) values.put(p, (String) row.get(indexOf(p)));
    return values;
  }

  /** Throws naming the column when a row does not fit: wrong arity, type or a null in a required column. */
  public void check(Row row) {
    if (row.size() != columns.size()) {
      throw new IllegalArgumentException(
          "row has " + row.size() + " values, the schema " + columns.size() + " columns");
    }
    for (int i = 0; i < columns.size(); i++) {
      Column c = columns.get(i);
      Object v = row.get(i);
      if (v == null) {
        if (!c.nullable()) throw new IllegalArgumentException("column " + c.name() + " is required");
      } else if (!c.type().accepts(v)) {
        throw new IllegalArgumentException(
            "column " + c.name() + " is " + c.type() + ", got " + v.getClass().getSimpleName());
      }
    }
  }

  StructType toDelta() {
    StructField[] fields = columns.stream()
        .map(c -> new StructField(c.name(), c.type().deltaType(), c.nullable()))
        .toArray(StructField[]::new);
    return new StructType(fields);
  }

  static TableSchema fromDelta(StructType struct, List<String> partitionColumns) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : struct.getFields()) {
      cols.add(new Column(f.getName(), ColumnType.fromDelta(f.getDataType()), f.isNullable()));
    }
    return new TableSchema(cols, partitionColumns);
  }

  /** Whether {@code newer} only appends nullable columns to this schema: the supported evolution. */
  public boolean canEvolveTo(TableSchema newer) {
    if (!Objects.equals(partitionColumns, newer.partitionColumns)) return false;
    if (newer.columns.size() < columns.size()) return false;
    if (!newer.columns.subList(0, columns.size()).equals(columns)) return false;
    return newer.columns.subList(columns.size(), newer.columns.size()).stream().allMatch(Column::nullable);
  }
}
