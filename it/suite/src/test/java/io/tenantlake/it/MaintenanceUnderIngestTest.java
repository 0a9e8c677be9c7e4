package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tenantlake.api.demo.SampleEvents;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.testkit.KernelTableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's scheduled maintenance (compaction every few seconds, checkpoints and log clean-up)
 * running while events are posted and the engine is SIGKILLed mid-stream: every event lands in raw
 * exactly once (Delta Kernel reads it), each refined key has one row, and the partitions end up in
 * a few files.
 */
class MaintenanceUnderIngestTest {
  static LocalLake lake;
  static final List<String> TYPES = List.of("jira.issue", "identity.user");
  static final Map<String, String> BUSY_MAINTENANCE = Map.of(
      "tenantlake.ingest.commit.max-records", "2000",
      "tenantlake.maintenance.initial-delay", "1s",
      "tenantlake.maintenance.schedule.compact", "2s",
      "tenantlake.maintenance.schedule.checkpoint", "3s",
      "tenantlake.maintenance.compaction.min-files", "3",
      "tenantlake.maintenance.compaction.refined-quiet-period", "0s",
      "tenantlake.maintenance.checkpoint.interval", "10");

  @BeforeAll
  static void start() throws Exception {
    Path logs = Paths.get("target", "it-logs");
    Files.createDirectories(logs);
    lake = new LocalLake("region-maint", 2, logs);
    lake.startEngine(BUSY_MAINTENANCE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  @Test
  void eventsLandExactlyOnceWhileCompactionRunsThroughASigkill() throws Exception {
    SampleEvents sample = new SampleEvents(SampleEvents.tenants(10), TYPES, 300, 5);
    Set<String> expectedIds = new HashSet<>();
    RetryingProducer producer = new RetryingProducer(lake, Duration.ofMinutes(2));
    for (int b = 0; b < 60; b++) {
      List<ChangeEvent> batch = new ArrayList<>();
      for (int i = 0; i < 500; i++) batch.add(sample.next());
      batch.forEach(e -> expectedIds.add(e.getEventId()));
      // Right after the SIGKILL a put may time out (503): resent, as a producer does.
      assertThat(producer.send(batch, b % 2 == 0)).isGreaterThanOrEqualTo(500);
      if (b == 30) {
        lake.awaitRaw(10_000, Duration.ofMinutes(3));
        lake.killEngine();
        lake.startEngine(BUSY_MAINTENANCE);
      }
      // Slow enough that commits stay small and many: what compaction is for.
      Thread.sleep(200);
    }
    lake.awaitRaw(expectedIds.size(), Duration.ofMinutes(5));
    // Let a few more compactions run once the input stops.
    JsonNode status = awaitCompactions(Duration.ofMinutes(2));
    assertThat(status.path("last").path("checkpoint").path("state").asText()).isEqualTo("done");

    KernelTableReader kernel = new KernelTableReader(lake.s3.s3aSettings());
    Map<String, Integer> seen = new HashMap<>();
    for (String type : TYPES) {
      for (Map<String, Object> row : kernel.read(lake.tableLocation("raw/" + type), List.of("event_id")).rows()) {
        seen.merge((String) row.get("event_id"), 1, Integer::sum);
      }
    }
    assertThat(seen.keySet()).isEqualTo(expectedIds);
    assertThat(seen.values()).as("every event exactly once").containsOnly(1);

    // Compaction committed into raw; the partitions hold a few files, not one per commit.
    DeltaTable issues = DeltaTable.at(lake.storage, "raw/jira.issue");
    Map<String, Integer> filesPerTenant = new HashMap<>();
    for (DataFile f : issues.liveFiles()) filesPerTenant.merge(f.partitionValues().get("tenant_id"), 1, Integer::sum);
    assertThat(filesPerTenant.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(5));

    // Refined: one row per entity (a tombstone included) whatever compactions raced the merges.
    Map<String, Integer> keys = new HashMap<>();
    for (Map<String, Object> row : kernel.read(lake.tableLocation("refined/jira_issues"), List.of("tenant_id", "_entity_id")).rows()) {
      keys.merge(row.get("tenant_id") + "/" + row.get("_entity_id"), 1, Integer::sum);
    }
    assertThat(keys).isNotEmpty();
    assertThat(keys.values()).as("one refined row per entity").containsOnly(1);
  }

  /** Waits until a scheduled compaction committed something and a later one found nothing left. */
  static JsonNode awaitCompactions(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    long removed = 0;
    JsonNode body = null;
    while (System.nanoTime() < deadline) {
      LocalLake.AdminAnswer a = lake.admin("GET", "/v1/admin/maintenance", null);
      assertThat(a.status()).isEqualTo(200);
      body = a.body();
      for (JsonNode run : body.path("recent")) {
        if (run.path("task").asText().equals("compact")) removed += run.path("totals").path("filesRemoved").asLong();
      }
      JsonNode last = body.path("last").path("compact");
      if (removed > 0 && !last.isNull() && last.path("totals").path("filesRemoved").asLong() == 0) return body;
      removed = 0;
      Thread.sleep(1000);
    }
    throw new AssertionError("compaction did not settle: " + body);
  }
}
