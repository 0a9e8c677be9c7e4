package io.tenantlake.engine.delta;

import java.util.Arrays;

/**
 * A row of a table: values in the order of {@link TableSchema#columns()}, partition columns
 * included. A plain array keeps the write path free of per-row maps.
 */
public final class Row {
  private final Object[] values;

  private Row(Object[] values) {
    this.values = values;
  }

  public static Row of(Object... values) {
    return new Row(values.clone());
  }

  /** Wraps without copying; the caller hands over the array. */
  public static Row wrap(Object[] values) {
    return new Row(values);
  }

  public Object get(int index) {
    return values[index];
  }

  public int size() {
    return values.length;
  }

  public Object[] values() {
    return values.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row other && Arrays.deepEquals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(values);
  }

  @Override
  public String toString() {
    return Arrays.deepToString(values);
  }
}
