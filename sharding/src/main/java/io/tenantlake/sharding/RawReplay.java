package io.tenantlake.sharding;

import com.google.protobuf.Timestamp;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.Row;
import io.tenantlake.engine.delta.TableSchema;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.engine.raw.Positions;
import io.tenantlake.engine.raw.RawTables;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads back from a raw table the events past a watermark (per stream/shard, the last sequence
 * number the refined tables are known to hold), in chunks: what a crash may have left committed to
 * raw but not yet merged. Re-applying more than needed is harmless: last-write-wins drops it.
 */
final class RawReplay {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RawReplay.class);

  private RawReplay() {}

  /**
   * Calls {@code chunk} with lists of at most {@code chunkSize} events past the watermark; returns
   * how many.
   *
   * @param afterVersion the table version whose commits are all applied (only files that later
   *     commits added are read), or -1 to read every live file
   */
  static long eventsAfter(DeltaStorage storage, String entityType, Map<String, String> watermark, long afterVersion,
      int chunkSize, Consumer<List<RawEvent>> chunk) {
    DeltaTable table = DeltaTable.at(storage, RawTables.rawTableName(entityType));
    if (!table.exists()) return 0;
    TableSchema s = table.schema();
    long total = 0;
    List<RawEvent> pending = new ArrayList<>();
    List<DataFile> files = afterVersion < 0 ? table.liveFiles()
        : table.liveFilesAddedAfter(afterVersion).orElseGet(table::liveFiles);
    log.info("refined recovery: {} reads {} raw files{}", table.name(), files.size(),
        afterVersion < 0 ? " (all: no raw version in the watermarks)" : " added after version " + afterVersion);
    for (DataFile file : files) {
      for (Row row : table.read(file)) {
        RawEvent e = toEvent(row, s);
        String key = Positions.key(e.origin().stream(), e.origin().shardId());
        String mark = watermark.get(key);
        if (mark != null && Positions.compare(e.origin().sequenceNumber(), mark) <= 0) continue;
        pending.add(e);
        total++;
        if (pending.size() >= chunkSize) {
          chunk.accept(pending);
          pending = new ArrayList<>();
        }
      }
    }
    if (!pending.isEmpty()) chunk.accept(pending);
    return total;
  }

  static RawEvent toEvent(Row r, TableSchema s) {
    ChangeEvent.Builder b = ChangeEvent.newBuilder()
        .setTenantId((String) r.get(s.indexOf("tenant_id")))
        .setEventId((String) r.get(s.indexOf("event_id")))
        .setEntityType((String) r.get(s.indexOf("entity_type")))
        .setEntityId((String) r.get(s.indexOf("entity_id")))
        .setOp(Op.valueOf("OP_" + ((String) r.get(s.indexOf("op"))).toUpperCase(Locale.ROOT)))
        .setVersion((Long) r.get(s.indexOf("version")));
    Instant emitted = (Instant) r.get(s.indexOf("emitted_at"));
    if (emitted != null) b.setEmittedAt(Timestamp.newBuilder().setSeconds(emitted.getEpochSecond()).setNanos(emitted.getNano()));
    Origin origin = new Origin(Lane.valueOf(((String) r.get(s.indexOf("lane"))).toUpperCase(Locale.ROOT)),
        (String) r.get(s.indexOf("stream")), (String) r.get(s.indexOf("shard_id")),
        (String) r.get(s.indexOf("sequence_number")));
    return new RawEvent(b.build(), (byte[]) r.get(s.indexOf("payload")), (String) r.get(s.indexOf("payload_type")),
        (String) r.get(s.indexOf("payload_ref")), origin, (Instant) r.get(s.indexOf("ingested_at")));
  }
}
