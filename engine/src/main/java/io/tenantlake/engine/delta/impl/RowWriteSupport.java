package io.tenantlake.engine.delta.impl;

import io.tenantlake.engine.delta.Column;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/** Writes the data-column values of a row straight to Parquet, with no intermediate record model. */
final class RowWriteSupport extends WriteSupport<Object[]> {
  private final MessageType schema;
  private final List<Column> columns;
  private RecordConsumer out;

  RowWriteSupport(MessageType schema, List<Column> dataColumns) {
    this.schema = schema;
    this.columns = dataColumns;
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(schema, Map.of("writer.model.name", "tenantlake"));
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  @Override
  public void write(Object[] values) {
    out.startMessage();
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      if (v == null) continue;
      String name = columns.get(i).name();
      out.startField(name, i);
      switch (columns.get(i).type()) {
        case STRING -> out.addBinary(Binary.fromString((String) v));
        case LONG -> out.addLong((Long) v);
        case INT -> out.addInteger((Integer) v);
        case BOOLEAN -> out.addBoolean((Boolean) v);
        case DOUBLE -> out.addDouble((Double) v);
        case BINARY -> out.addBinary(Binary.fromConstantByteArray((byte[]) v));
        case TIMESTAMP -> out.addLong(toMicros((Instant) v));
      }
      out.endField(name, i);
    }
    out.endMessage();
  }

  static long toMicros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  static Instant fromMicros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
