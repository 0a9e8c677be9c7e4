package io.tenantlake.engine.delta;

import io.delta.standalone.types.BinaryType;
import io.delta.standalone.types.BooleanType;
import io.delta.standalone.types.DataType;
import io.delta.standalone.types.DoubleType;
import io.delta.standalone.types.IntegerType;
import io.delta.standalone.types.LongType;
import io.delta.standalone.types.StringType;
import io.delta.standalone.types.TimestampType;

/**
 * The column types our tables use. Deliberately few: every one must map cleanly to Delta, to
 * Parquet and to the readers we test against (Delta Kernel, DuckDB).
 *
 * <p>Java value per type: STRING String, LONG Long, INT Integer, BOOLEAN Boolean, DOUBLE Double,
 * BINARY byte[], TIMESTAMP java.time.Instant (stored as microseconds since the epoch, UTC).
 */
public enum ColumnType {
  STRING,
  LONG,
  INT,
  BOOLEAN,
  DOUBLE,
  BINARY,
  TIMESTAMP;

  DataType deltaType() {
    return switch (this) {
      case STRING -> new StringType();
      case LONG -> new LongType();
      case INT -> new IntegerType();
      case BOOLEAN -> new BooleanType();
      case DOUBLE -> new DoubleType();
      case BINARY -> new BinaryType();
      case TIMESTAMP -> new TimestampType();
    };
  }

  static ColumnType fromDelta(DataType type) {
    if (type instanceof StringType) return STRING;
    if (type instanceof LongType) return LONG;
    if (type instanceof IntegerType) return INT;
    if (type instanceof BooleanType) return BOOLEAN;
    if (type instanceof DoubleType) return DOUBLE;
    if (type instanceof BinaryType) return BINARY;
    if (type instanceof TimestampType) return TIMESTAMP;
    throw new IllegalArgumentException("unsupported Delta column type: " + type.getTypeName());
  }

  /** Whether a value is acceptable for this type (null is checked separately). */
  boolean accepts(Object value) {
    return switch (this) {
      case STRING -> value instanceof String;
      case LONG -> value instanceof Long;
      case INT -> value instanceof Integer;
      case BOOLEAN -> value instanceof Boolean;
      case DOUBLE -> value instanceof Double;
      case BINARY -> value instanceof byte[];
      case TIMESTAMP -> value instanceof java.time.Instant;
    };
  }
}
