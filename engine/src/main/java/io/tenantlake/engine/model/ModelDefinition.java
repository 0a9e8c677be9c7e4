package io.tenantlake.engine.model;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One SQL model as configured: its name (the refined table is {@code refined/<name>}), the entity
 * types whose winning events feed it, the columns that key its rows within a tenant, the SELECT
 * text and where that text came from (a file path or a class-path resource, for error messages).
 *
 * <p>Only the static shape is checked here; whether the SQL binds, and what it outputs, is checked
 * by {@link ModelRunner} at start-up.
 */
public record ModelDefinition(String name, List<String> sourceTypes, List<String> keyColumns, String sql,
    String file) {

  // Same rule as refined column names: one spelling in Delta, Parquet, DuckDB and Spark.
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,127}");

  public ModelDefinition {
    String label = name == null || name.isBlank() ? "(unnamed)" : name;
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ModelException(label, "name must be lower-case snake case (a-z, 0-9, _), starting with a letter");
    }
    sourceTypes = distinct(label, "sources", sourceTypes);
    keyColumns = distinct(label, "key", keyColumns);
    Objects.requireNonNull(file, "file");
    if (sql == null || sql.isBlank()) throw new ModelException(name, "SQL file " + file + " is empty");
  }

  private static List<String> distinct(String model, String what, List<String> values) {
    if (values == null || values.isEmpty()) throw new ModelException(model, what + " must list at least one entry");
    LinkedHashSet<String> set = new LinkedHashSet<>();
    for (String v : values) {
      if (v == null || v.isBlank()) throw new ModelException(model, what + " has a blank entry");
      if (!set.add(v)) throw new ModelException(model, what + " lists " + v + " twice");
    }
    return List.copyOf(set);
  }

  /** Whether events of this entity type feed the model. */
  public boolean readsFrom(String entityType) {
    return sourceTypes.contains(entityType);
  }

  @Override
  public String toString() {
    return "ModelDefinition[" + name + " from " + sourceTypes + " key " + keyColumns + " sql " + file + "]";
  }
}
