package io.tenantlake.engine.model;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.proto.EntityType;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.v1.ChangeEvent;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The micro-batch as DuckDB sees it: one table holding every live (not deleted) winner whose entity
 * type feeds a model, dropped and re-created per batch, loaded with DuckDB's appender. Each model
 * reads it through the view {@code events} (see {@link ModelQuery}), which hides {@code _seq}, the
 * event's position in {@link Loaded#events()}.
 *
 * <p>The payload is the proto JSON of the payload message with proto field names (snake_case, as in
 * the .proto files) and every field printed, defaults included ({@code ""}, {@code false},
 * {@code 0}, {@code []}): a model can tell an empty string from an unset message field (Timestamps
 * and other messages are absent when unset). int64 values are JSON strings, Timestamps RFC 3339
 * strings in UTC, enums their names.
 */
final class EventTable {
  static final String TABLE = "tenantlake_batch_events";
  static final String COLUMNS = "tenant_id VARCHAR, entity_type VARCHAR, entity_id VARCHAR, version BIGINT, "
      + "op VARCHAR, event_id VARCHAR, emitted_at TIMESTAMP, payload JSON, _seq INTEGER";

  // Timestamp's valid range (0001-01-01 to 9999-12-31), as seconds since the epoch.
  private static final long MIN_SECONDS = -62_135_596_800L;
  private static final long MAX_SECONDS = 253_402_300_799L;

  /** The loaded events (row {@code _seq = i} is {@code events.get(i)}) and those that could not be. */
  record Loaded(List<RawEvent> events, List<Rejected> rejected) {}

  /** An event whose payload could not be presented to SQL. */
  record Rejected(RawEvent event, String reason) {}

  private final DuckDBConnection conn;
  private final JsonFormat.Printer printer;
  private final EntityTypeRegistry registry;

  EventTable(DuckDBConnection conn, EntityTypeRegistry registry) {
    this.conn = conn;
    this.registry = registry;
    this.printer = JsonFormat.printer()
        .usingTypeRegistry(registry.typeRegistry())
        .preservingProtoFieldNames()
        .alwaysPrintFieldsWithNoPresence()
        .omittingInsignificantWhitespace();
  }

  /** Replaces the table by an empty one. */
  void reset() throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + TABLE);
      s.execute("CREATE TABLE " + TABLE + " (" + COLUMNS + ")");
    }
  }

  /** Replaces the table by one holding {@code live} (winners that are not deletes). */
  Loaded load(List<RawEvent> live) throws SQLException {
    reset();
    List<RawEvent> loaded = new ArrayList<>(live.size());
    List<Rejected> rejected = new ArrayList<>();
    try (DuckDBAppender appender = conn.createAppender("main", TABLE)) {
      for (RawEvent raw : live) {
        ChangeEvent e = raw.event();
        String json;
        try {
          json = payloadJson(raw);
          checkRange(e);
        } catch (Exception ex) {
          rejected.add(new Rejected(raw, "payload cannot be presented to the model SQL: " + message(ex)));
          continue;
        }
        appender.beginRow()
            .append(e.getTenantId())
            .append(e.getEntityType())
            .append(e.getEntityId())
            .append(e.getVersion())
            .append(opName(e))
            .append(e.getEventId());
        if (e.hasEmittedAt()) {
          Timestamp t = e.getEmittedAt();
          appender.appendEpochMicros(t.getSeconds() * 1_000_000L + t.getNanos() / 1_000);
        } else {
          appender.appendNull();
        }
        appender.append(json).append(loaded.size()).endRow();
        loaded.add(raw);
      }
    }
    return new Loaded(loaded, rejected);
  }

  private String payloadJson(RawEvent raw) throws Exception {
    EntityType type = registry.find(raw.event().getEntityType())
        .orElseThrow(() -> new IllegalArgumentException("unknown entity type " + raw.event().getEntityType()));
    Message payload = raw.payload() == null
        ? type.defaultInstance()
        : type.defaultInstance().getParserForType().parseFrom(raw.payload());
    return printer.print(payload);
  }

  private static void checkRange(ChangeEvent e) {
    if (e.hasEmittedAt() && (e.getEmittedAt().getSeconds() < MIN_SECONDS || e.getEmittedAt().getSeconds() > MAX_SECONDS)) {
      throw new IllegalArgumentException("emitted_at is out of range");
    }
  }

  /** "CREATED", "UPDATED", "DELETED" (the enum name without its OP_ prefix). */
  static String opName(ChangeEvent e) {
    String name = e.getOp().name();
    return name.startsWith("OP_") ? name.substring(3) : name;
  }

  static String message(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) return c.getMessage();
    }
    return t.getClass().getSimpleName();
  }

  /** SQL literal list of entity types, e.g. {@code 'jira.issue', 'jira.project'}. */
  static String quoted(Set<String> values) {
    StringBuilder sb = new StringBuilder();
    for (String v : values) {
      if (sb.length() > 0) sb.append(", ");
      sb.append('\'').append(v.replace("'", "''")).append('\'');
    }
    return sb.toString();
  }
}
