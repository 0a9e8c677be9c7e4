package io.tenantlake.engine.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.refined.EntityRows;
import io.tenantlake.engine.refined.MergeReport;
import io.tenantlake.engine.refined.ModelSchema;
import io.tenantlake.engine.refined.RefinedTableWriter;
import io.tenantlake.engine.refined.RefinedTables;
import io.tenantlake.testkit.KernelTableReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TombstonePurgeTest {
  @TempDir Path dir;

  static final ModelSchema ISSUES = new ModelSchema("issues", List.of(
      Column.required("issue_id", ColumnType.STRING), Column.required("summary", ColumnType.STRING)), List.of("issue_id"));
  static final Instant NOW = Instant.now();

  static EntityRows issue(String tenant, String id, long version, Instant at) {
    return new EntityRows(tenant, "jira.issue", id, version, false, "ev-" + id + "-" + version, at,
        List.<Object[]>of(new Object[] {id, "v" + version}));
  }

  static EntityRows deleted(String tenant, String id, long version, Instant at) {
    return new EntityRows(tenant, "jira.issue", id, version, true, "ev-" + id + "-" + version, at, List.of());
  }

  @Test
  void oldTombstonesArePurgedAndAnOlderLateEventForTheirKeyIsTooLateNotResurrected() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    RefinedTableWriter w = RefinedTableWriter.open(storage, ISSUES);
    Instant old = NOW.minus(Duration.ofDays(40));
    w.merge(List.of(issue("t1", "GONE", 1, old.minus(Duration.ofDays(5))), issue("t1", "ALIVE", 1, old),
        issue("t1", "RECENT", 1, old), issue("t2", "GONE", 1, old)), 0, null);
    w.merge(List.of(deleted("t1", "GONE", 2, old), deleted("t1", "RECENT", 2, NOW.minus(Duration.ofDays(3))),
        deleted("t2", "GONE", 2, old)), 1, null);
    assertThat(rows(w)).containsEntry("t1/GONE", "deleted@2").containsEntry("t1/RECENT", "deleted@2")
        .containsEntry("t2/GONE", "deleted@2").containsEntry("t1/ALIVE", "v1@1");

    TableResult r = new TombstonePurge(MaintenanceSettings.defaults(), Clock.systemUTC()).run(storage, w.table());
    assertThat(r.count("rowsPurged")).isEqualTo(2);
    assertThat(r.count("partitionsPurged")).isEqualTo(2);
    assertThat(rows(w)).containsOnlyKeys("t1/ALIVE", "t1/RECENT").containsEntry("t1/RECENT", "deleted@2");
    assertThat(w.table().properties()).containsKey(RefinedTables.PURGED_BEFORE);

    // A late event older than the purged tombstone: too late, not applied (the caller dead-letters it).
    MergeReport late = w.merge(List.of(issue("t1", "GONE", 1, old.minus(Duration.ofDays(5)))), 2, null);
    assertThat(late.entitiesApplied()).isZero();
    assertThat(late.tooLate()).extracting(t -> t.tenantId() + "/" + t.entityId() + "@" + t.version()).containsExactly("t1/GONE@1");
    assertThat(rows(w)).doesNotContainKey("t1/GONE");
    // The pipeline dead-letters it as too_late, with its bytes (Kernel reads the deadletter table).
    var event = io.tenantlake.proto.v1.ChangeEvent.newBuilder().setTenantId("t1").setEntityType("jira.issue")
        .setEntityId("GONE").setVersion(1).setEventId("ev-GONE-1").build();
    var raw = new io.tenantlake.engine.event.RawEvent(event, null, null, null, new io.tenantlake.engine.event.Origin(
        io.tenantlake.engine.event.Lane.LIVE, "tenantlake-jira", "shard-0", "42"), NOW);
    assertThat(new TooLateLetters(storage).write(List.of(late, late), List.of(raw))).isEqualTo(1);
    var letters = new KernelTableReader(Map.of()).read(io.tenantlake.engine.delta.DeltaTable.at(storage, "deadletter").location()).rows();
    assertThat(letters).hasSize(1);
    assertThat((String) letters.get(0).get("reason")).startsWith("too_late: jira.issue GONE version 1");
    assertThat(letters.get(0)).containsEntry("tenant_id", "t1").containsEntry("event_id", "ev-GONE-1")
        .containsEntry("sequence_number", "42");
    // A recent event of the key is a real re-creation; a newer version over a kept tombstone applies as ever.
    MergeReport fresh = w.merge(List.of(issue("t1", "GONE", 3, NOW), issue("t1", "RECENT", 3, NOW)), 3, null);
    assertThat(fresh.entitiesApplied()).isEqualTo(2);
    assertThat(fresh.tooLate()).isEmpty();
    assertThat(rows(w)).containsEntry("t1/GONE", "v3@3").containsEntry("t1/RECENT", "v3@3");
    // Nothing left to purge: a second run changes nothing.
    assertThat(new TombstonePurge(MaintenanceSettings.defaults(), Clock.systemUTC()).run(storage, w.table())
        .count("rowsPurged")).isZero();
    w.close();
  }

  /** Kernel's view: tenant/entity to "summary@version" or "deleted@version". */
  static Map<String, String> rows(RefinedTableWriter w) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (var r : new KernelTableReader(Map.of()).read(w.table().location()).rows()) {
      String v = Boolean.TRUE.equals(r.get("_deleted")) ? "deleted" : (String) r.get("summary");
      out.put(r.get("tenant_id") + "/" + r.get("_entity_id"), v + "@" + r.get("_version"));
    }
    return out;
  }
}
