package io.tenantlake.engine.delta;

import java.util.Objects;
import java.util.regex.Pattern;

/** One column of a table: a lower-case name, a type, and whether it may be null. */
public record Column(String name, ColumnType type, boolean nullable) {
  // Lower-case snake case keeps names identical in Delta, Parquet, DuckDB and Spark, which
  // disagree on case sensitivity.
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,127}");

  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "column name '" + name + "' must be lower-case snake case, at most 128 characters");
    }
  }

  public static Column required(String name, ColumnType type) {
    return new Column(name, type, false);
  }

  public static Column optional(String name, ColumnType type) {
    return new Column(name, type, true);
  }
}
