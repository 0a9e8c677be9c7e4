package io.tenantlake.engine.model;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.refined.ModelSchema;
import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.duckdb.DuckDBColumnType;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSetMetaData;

/**
 * One model's SQL, checked against the {@code events} relation and ready to run over a range of a
 * loaded batch. Its output splits into routing columns ({@code tenant_id}, {@code entity_id}, and
 * {@code entity_type}, which a model reading several entity types must output), which tie each row
 * to the winner it came from and are not stored, and the model's own columns, in SELECT order.
 */
final class ModelQuery {
  static final String TENANT_ID = "tenant_id";
  static final String ENTITY_ID = "entity_id";
  static final String ENTITY_TYPE = "entity_type";

  /** One output row: its routing values and the model's columns, in schema order. */
  record OutRow(String tenantId, String entityType, String entityId, Object[] values) {}

  private final ModelDefinition def;
  private final ModelSchema schema;
  private final int tenantIdx;
  private final int entityIdx;
  private final int typeIdx; // 0 when the model reads one entity type and need not output it
  private final int[] resultIdx; // per schema column, its 1-based result column
  private final boolean[] withTimeZone;
  private final int[] keyPos; // schema positions of the key columns
  private final String viewPrefix;

  private ModelQuery(ModelDefinition def, ModelSchema schema, int tenantIdx, int entityIdx, int typeIdx,
      int[] resultIdx, boolean[] withTimeZone) {
    this.def = def;
    this.schema = schema;
    this.tenantIdx = tenantIdx;
    this.entityIdx = entityIdx;
    this.typeIdx = typeIdx;
    this.resultIdx = resultIdx;
    this.withTimeZone = withTimeZone;
    this.keyPos = schema.keyColumns().stream()
        .mapToInt(k -> schema.columns().stream().map(Column::name).toList().indexOf(k)).toArray();
    this.viewPrefix = viewPrefix(def);
  }

  /** The view {@code events} over the model's source types, to be completed with a {@code _seq} range. */
  private static String viewPrefix(ModelDefinition def) {
    return "CREATE OR REPLACE TEMP VIEW events AS SELECT * EXCLUDE (_seq) FROM " + EventTable.TABLE
        + " WHERE entity_type IN (" + EventTable.quoted(new LinkedHashSet<>(def.sourceTypes())) + ")";
  }

  /**
   * Runs the model's SQL over the (empty) batch table and derives its schema from the result's
   * types; throws a {@link ModelException} naming the model when it does not fit the contract.
   */
  static ModelQuery prepare(DuckDBConnection conn, ModelDefinition def) {
    String name = def.name();
    List<String> names = new ArrayList<>();
    List<String> types = new ArrayList<>();
    try (Statement s = conn.createStatement()) {
      s.execute(viewPrefix(def));
      try (ResultSet rs = s.executeQuery(def.sql())) {
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          names.add(md.getColumnLabel(i));
          types.add(md.getColumnTypeName(i));
        }
      }
    } catch (SQLException e) {
      throw new ModelException(name, "SQL (" + def.file() + ") fails: " + EventTable.message(e), e);
    }
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (!seen.add(n)) throw new ModelException(name, "outputs column " + n + " twice");
    }
    int tenantIdx = names.indexOf(TENANT_ID) + 1;
    int entityIdx = names.indexOf(ENTITY_ID) + 1;
    int typeIdx = names.indexOf(ENTITY_TYPE) + 1;
    if (entityIdx == 0 || tenantIdx == 0) {
      throw new ModelException(name, "output lacks " + (entityIdx == 0 ? ENTITY_ID : TENANT_ID)
          + " (every row must carry tenant_id and entity_id from events; output: " + names + ")");
    }
    if (typeIdx == 0 && def.sourceTypes().size() > 1) {
      throw new ModelException(name, "reads several entity types " + def.sourceTypes()
          + ", so its output must carry entity_type (output: " + names + ")");
    }
    for (int routing : new int[] {tenantIdx, entityIdx, typeIdx}) {
      if (routing > 0 && !"VARCHAR".equals(types.get(routing - 1))) {
        throw new ModelException(name, "column " + names.get(routing - 1) + " must be VARCHAR, not " + types.get(routing - 1));
      }
    }
    for (String key : def.keyColumns()) {
      if (Set.of(TENANT_ID, ENTITY_ID, ENTITY_TYPE).contains(key)) {
        throw new ModelException(name, "key column " + key + " is a routing column, not stored; output it under a name"
            + " of its own (e.g. entity_id AS issue_id) and key on that");
      }
      if (!names.contains(key)) {
        throw new ModelException(name, "output lacks key column " + key + " (output: " + names + ")");
      }
    }
    List<Column> columns = new ArrayList<>();
    List<Integer> idx = new ArrayList<>();
    List<Boolean> tz = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String col = names.get(i);
      if (i + 1 == tenantIdx || i + 1 == entityIdx || i + 1 == typeIdx) continue;
      DuckDBColumnType duck = duckType(types.get(i));
      String duckName = types.get(i);
      ColumnType type = columnType(duck).orElseThrow(() -> new ModelException(name, "column " + col + " has type "
          + duckName + ", which refined tables cannot hold: cast it to VARCHAR, BIGINT, INTEGER, BOOLEAN,"
          + " DOUBLE, TIMESTAMP or BLOB"));
      boolean key = def.keyColumns().contains(col);
      try {
        columns.add(key ? Column.required(col, type) : Column.optional(col, type));
      } catch (IllegalArgumentException e) {
        throw new ModelException(name, "bad output column name: " + e.getMessage() + " (alias it with AS)");
      }
      idx.add(i + 1);
      tz.add(duck == DuckDBColumnType.TIMESTAMP_WITH_TIME_ZONE);
    }
    ModelSchema schema;
    try {
      schema = new ModelSchema(name, columns, def.keyColumns());
    } catch (IllegalArgumentException e) {
      throw new ModelException(name, e.getMessage(), e);
    }
    boolean[] withTz = new boolean[tz.size()];
    for (int i = 0; i < withTz.length; i++) withTz[i] = tz.get(i);
    return new ModelQuery(def, schema, tenantIdx, entityIdx, typeIdx,
        idx.stream().mapToInt(Integer::intValue).toArray(), withTz);
  }

  private static DuckDBColumnType duckType(String typeName) {
    try {
      return DuckDBResultSetMetaData.TypeNameToType(typeName);
    } catch (RuntimeException e) {
      return DuckDBColumnType.UNKNOWN;
    }
  }

  private static java.util.Optional<ColumnType> columnType(DuckDBColumnType duck) {
    ColumnType t = switch (duck) {
      case VARCHAR -> ColumnType.STRING;
      case BIGINT -> ColumnType.LONG;
      case INTEGER -> ColumnType.INT;
      case BOOLEAN -> ColumnType.BOOLEAN;
      case DOUBLE -> ColumnType.DOUBLE;
      case TIMESTAMP, TIMESTAMP_WITH_TIME_ZONE -> ColumnType.TIMESTAMP;
      case BLOB -> ColumnType.BINARY;
      default -> null;
    };
    return java.util.Optional.ofNullable(t);
  }

  ModelDefinition definition() {
    return def;
  }

  ModelSchema schema() {
    return schema;
  }

  /** Null or repeated key values among one entity's rows, or null if they are fine. */
  String keyProblem(List<Object[]> rows) {
    List<String> keys = schema.keyColumns();
    Set<List<Object>> seen = new HashSet<>();
    for (Object[] row : rows) {
      List<Object> key = new ArrayList<>(keyPos.length);
      for (int k = 0; k < keyPos.length; k++) {
        Object v = row[keyPos[k]];
        if (v == null) return "key column " + keys.get(k) + " is null";
        key.add(v instanceof byte[] b ? ByteBuffer.wrap(b) : v);
      }
      if (!seen.add(key)) return "two rows with the same key " + keys + " = " + Arrays.toString(key.toArray());
    }
    return null;
  }

  /** Runs the SQL over the loaded events with {@code from <= _seq < to}. */
  List<OutRow> execute(DuckDBConnection conn, int from, int to) throws SQLException {
    List<OutRow> out = new ArrayList<>();
    String single = def.sourceTypes().size() == 1 ? def.sourceTypes().get(0) : null;
    try (Statement s = conn.createStatement()) {
      s.execute(viewPrefix + " AND _seq >= " + from + " AND _seq < " + to);
      try (ResultSet rs = s.executeQuery(def.sql())) {
        while (rs.next()) {
          Object[] values = new Object[resultIdx.length];
          for (int c = 0; c < resultIdx.length; c++) values[c] = value(rs, c);
          out.add(new OutRow(rs.getString(tenantIdx), typeIdx > 0 ? rs.getString(typeIdx) : single,
              rs.getString(entityIdx), values));
        }
      }
    }
    return out;
  }

  private Object value(ResultSet rs, int c) throws SQLException {
    int i = resultIdx[c];
    Object v = switch (schema.columns().get(c).type()) {
      case STRING -> rs.getString(i);
      case LONG -> rs.getLong(i);
      case INT -> rs.getInt(i);
      case BOOLEAN -> rs.getBoolean(i);
      case DOUBLE -> rs.getDouble(i);
      case BINARY -> rs.getBytes(i);
      case TIMESTAMP -> timestamp(rs, i, withTimeZone[c]);
    };
    return rs.wasNull() ? null : v;
  }

  private static Instant timestamp(ResultSet rs, int i, boolean withTimeZone) throws SQLException {
    if (withTimeZone) {
      OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
      return t == null ? null : t.toInstant();
    }
    LocalDateTime t = rs.getObject(i, LocalDateTime.class);
    return t == null ? null : t.toInstant(ZoneOffset.UTC);
  }
}
