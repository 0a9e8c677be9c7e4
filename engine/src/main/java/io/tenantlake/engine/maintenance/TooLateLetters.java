package io.tenantlake.engine.maintenance;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.Row;
import io.tenantlake.engine.delta.TableCommit;
import io.tenantlake.engine.event.DeadLetter;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.engine.raw.RawTables;
import io.tenantlake.engine.refined.MergeReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letters the events a merge dropped as too late (older than a refined table's purged
 * tombstones, for an entity without a row: see {@link TombstonePurge}), with reason
 * {@code too_late: ...} and the event's bytes, into the {@code deadletter} table (a blind append
 * beside the raw writer's). Written after the merge committed; a crash in between loses the
 * letter but not the decision (the raw event stays in raw), and a replay may write it twice.
 */
public final class TooLateLetters {
  private static final Logger log = LoggerFactory.getLogger(TooLateLetters.class);
  public static final String REASON = "too_late";

  private final DeltaTable deadletter;

  public TooLateLetters(DeltaStorage storage) {
    this.deadletter = DeltaTable.at(storage, RawTables.DEADLETTER);
  }

  /** Writes one dead letter per too-late event of the reports (an event feeding several models once); returns how many. */
  public int write(List<MergeReport> reports, List<RawEvent> winners) {
    Map<String, RawEvent> byKey = new HashMap<>();
    for (RawEvent e : winners) byKey.put(key(e.event().getTenantId(), e.event().getEntityId(), e.event().getVersion()), e);
    Map<String, Row> rows = new LinkedHashMap<>();
    for (MergeReport r : reports) {
      for (MergeReport.TooLate t : r.tooLate()) {
        RawEvent e = byKey.get(key(t.tenantId(), t.entityId(), t.version()));
        if (e == null || rows.containsKey(e.event().getEventId())) continue;
        String reason = REASON + ": " + e.event().getEntityType() + " " + t.entityId() + " version " + t.version()
            + " of " + t.updatedAt() + " has no row in " + r.table()
            + " and is older than the tombstones purged there; it could bring back a deleted entity";
        log.warn("tenant {} table {}: {}", t.tenantId(), r.table(), reason);
        rows.put(e.event().getEventId(), RawTables.deadRow(new DeadLetter(reason, e.origin(), e.event().toByteArray(),
            t.tenantId(), e.event().getEntityType(), t.entityId(), e.event().getEventId(), Instant.now())));
      }
    }
    if (rows.isEmpty()) return 0;
    deadletter.createIfMissing(RawTables.DEAD, Map.of());
    List<DataFile> files = deadletter.write(new ArrayList<>(rows.values()), 128L << 20);
    deadletter.commit(TableCommit.append(files).parameter("mode", "Append").metadata("deadLetters", REASON).build());
    return rows.size();
  }

  private static String key(String tenant, String entity, long version) {
    return tenant + "\u0000" + entity + "\u0000" + version;
  }
}
