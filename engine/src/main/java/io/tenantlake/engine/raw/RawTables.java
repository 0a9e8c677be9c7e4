package io.tenantlake.engine.raw;

import static io.tenantlake.engine.delta.Column.optional;
import static io.tenantlake.engine.delta.Column.required;

import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.Row;
import io.tenantlake.engine.delta.TableSchema;
import io.tenantlake.engine.event.DeadLetter;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.proto.v1.ChangeEvent;
import java.time.Instant;
import java.util.List;

/** The raw and deadletter table layouts, and how an event or a dead letter becomes a row. */
public final class RawTables {
  private RawTables() {}

  public static final String DEADLETTER = "deadletter";

  /** {@code raw/<entity_type>}: every event received, untransformed, with where it was read. */
  public static final TableSchema RAW = TableSchema.of(List.of(
      required("tenant_id", ColumnType.STRING),
      required("event_id", ColumnType.STRING),
      required("entity_type", ColumnType.STRING),
      required("entity_id", ColumnType.STRING),
      required("op", ColumnType.STRING),
      required("version", ColumnType.LONG),
      optional("emitted_at", ColumnType.TIMESTAMP),
      optional("payload", ColumnType.BINARY),
      optional("payload_type", ColumnType.STRING),
      optional("payload_ref", ColumnType.STRING),
      required("lane", ColumnType.STRING),
      required("stream", ColumnType.STRING),
      required("shard_id", ColumnType.STRING),
      required("sequence_number", ColumnType.STRING),
      required("ingested_at", ColumnType.TIMESTAMP)), "tenant_id");

  /** {@code deadletter}: what could not be decoded or applied, with the reason and the original bytes. */
  public static final TableSchema DEAD = TableSchema.of(List.of(
      required("tenant_id", ColumnType.STRING),
      required("reason", ColumnType.STRING),
      required("lane", ColumnType.STRING),
      required("stream", ColumnType.STRING),
      required("shard_id", ColumnType.STRING),
      required("sequence_number", ColumnType.STRING),
      optional("entity_type", ColumnType.STRING),
      optional("entity_id", ColumnType.STRING),
      optional("event_id", ColumnType.STRING),
      optional("original", ColumnType.BINARY),
      required("failed_at", ColumnType.TIMESTAMP)), "tenant_id");

  public static String rawTableName(String entityType) {
    return "raw/" + entityType;
  }

  public static Row rawRow(RawEvent r) {
    ChangeEvent e = r.event();
    Instant emitted = e.hasEmittedAt()
        ? Instant.ofEpochSecond(e.getEmittedAt().getSeconds(), e.getEmittedAt().getNanos()) : null;
    return Row.of(e.getTenantId(), e.getEventId(), e.getEntityType(), e.getEntityId(), opName(e), e.getVersion(),
        emitted, r.payload(), r.payloadType(), r.payloadRef(), r.origin().lane().label(), r.origin().stream(),
        r.origin().shardId(), r.origin().sequenceNumber(), r.ingestedAt());
  }

  public static Row deadRow(DeadLetter d) {
    return Row.of(d.partitionTenant(), d.reason(), d.origin().lane().label(), d.origin().stream(),
        d.origin().shardId(), d.origin().sequenceNumber(), d.entityType(), d.entityId(), d.eventId(),
        d.original(), d.failedAt());
  }

  /** CREATED, UPDATED or DELETED: the envelope's op without its enum prefix. */
  public static String opName(ChangeEvent e) {
    return e.getOp().name().substring("OP_".length());
  }
}
