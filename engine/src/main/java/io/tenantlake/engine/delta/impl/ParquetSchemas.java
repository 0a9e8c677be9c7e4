package io.tenantlake.engine.delta.impl;

import io.tenantlake.engine.delta.Column;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/** Maps our column types to the Parquet physical and logical types every Delta reader expects. */
final class ParquetSchemas {
  private ParquetSchemas() {}

  static MessageType of(List<Column> dataColumns) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Column c : dataColumns) b.addField(field(c));
    return b.named("spark_schema");
  }

  private static Type field(Column c) {
    Repetition rep = c.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
    return switch (c.type()) {
      case STRING -> Types.primitive(PrimitiveTypeName.BINARY, rep)
          .as(LogicalTypeAnnotation.stringType()).named(c.name());
      case LONG -> Types.primitive(PrimitiveTypeName.INT64, rep).named(c.name());
      case INT -> Types.primitive(PrimitiveTypeName.INT32, rep).named(c.name());
      case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(c.name());
      case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(c.name());
      case BINARY -> Types.primitive(PrimitiveTypeName.BINARY, rep).named(c.name());
      case TIMESTAMP -> Types.primitive(PrimitiveTypeName.INT64, rep)
          .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
          .named(c.name());
    };
  }
}
