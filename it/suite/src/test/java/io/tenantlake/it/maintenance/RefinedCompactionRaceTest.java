package io.tenantlake.it.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.maintenance.Compactor;
import io.tenantlake.engine.maintenance.MaintenanceSettings;
import io.tenantlake.engine.refined.EntityRows;
import io.tenantlake.engine.refined.MergePolicy;
import io.tenantlake.engine.refined.ModelSchema;
import io.tenantlake.engine.refined.RefinedTableWriter;
import io.tenantlake.testkit.KernelTableReader;
import io.tenantlake.testkit.LocalS3;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compaction of a refined table while merges commit into the same partition, on purpose: every
 * entity ends with exactly one row, of its highest version (Delta Kernel reads it).
 */
class RefinedCompactionRaceTest {
  static LocalS3 s3;
  static DeltaStorage storage;

  @BeforeAll
  static void start() {
    s3 = LocalS3.start();
    s3.createBucket("maint");
    storage = DeltaStorage.s3("maint", "refined-compaction", s3.s3aSettings());
  }

  @AfterAll
  static void stop() {
    if (s3 != null) s3.close();
  }

  static final ModelSchema ISSUES = new ModelSchema("issues", List.of(
      Column.required("issue_id", ColumnType.STRING), Column.required("summary", ColumnType.STRING)), List.of("issue_id"));

  static EntityRows issue(String tenant, String id, long version) {
    return new EntityRows(tenant, "jira.issue", id, version, false, "ev-" + id + "-" + version,
        Instant.now(), List.<Object[]>of(new Object[] {id, "v" + version}));
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void mergesRacingACompactionLoseAndDoubleNoRow() throws Exception {
    // The merge must not fold the small files itself: the compaction is what is tested.
    MergePolicy policy = MergePolicy.defaults().withSmallFiles(8L << 20, 10_000).withWriteParallelism(2);
    RefinedTableWriter writer = RefinedTableWriter.open(storage, ISSUES, policy);
    Map<String, Long> expected = new TreeMap<>();
    long txn = 0;
    for (int i = 0; i < 40; i++) {
      List<EntityRows> batch = List.of(issue("t1", "I-" + i, 1), issue("t2", "I-" + i, 1));
      writer.merge(batch, txn++, null);
      batch.forEach(e -> expected.put(e.tenantId() + "/" + e.entityId(), e.version()));
    }
    assertThat(writer.table().liveFiles(p -> "t1".equals(p.get("tenant_id")))).hasSize(40);

    Compactor compactor = new Compactor(MaintenanceSettings.withOverrides("compaction.refined-quiet-period = 0s"),
        Clock.systemUTC());
    AtomicBoolean racing = new AtomicBoolean(true);
    long firstRacingTxn = txn;
    long[] nextTxn = {txn};
    CompletableFuture<Void> merges = CompletableFuture.runAsync(() -> {
      for (int round = 2; racing.get() || round < 6; round++) {
        List<EntityRows> batch = new ArrayList<>();
        // Updates of old entities (their files are rewritten) and new entities, in both tenants.
        for (int i = 0; i < 40; i += 7) batch.add(issue("t1", "I-" + ((i + round) % 40), round));
        batch.add(issue("t1", "N-" + round, 1));
        batch.add(issue("t2", "I-" + (round % 40), round));
        writer.merge(batch, nextTxn[0]++, null);
        synchronized (expected) {
          batch.forEach(e -> expected.merge(e.tenantId() + "/" + e.entityId(), e.version(), Math::max));
        }
        // Now and then a pause as long as a compaction, so that some compactions win their race.
        pause(round % 4 == 0 ? 2500 : 100);
      }
    });
    long compacted = 0;
    long givenUp = 0;
    for (int i = 0; i < 20 && (compacted == 0 || i < 4); i++) {
      var r = compactor.compact(storage, writer.table());
      compacted += r.count("partitionsCompacted");
      givenUp += r.count("partitionsGivenUp");
    }
    racing.set(false);
    merges.get();
    assertThat(nextTxn[0]).as("merges committed while the compactions ran").isGreaterThan(firstRacingTxn);
    assertThat(compacted).isGreaterThan(0);
    System.out.printf("refined race: %d partition compactions committed, %d given up, %d merges%n", compacted, givenUp,
        nextTxn[0] - firstRacingTxn);

    Map<String, Long> seen = new TreeMap<>();
    List<String> doubled = new ArrayList<>();
    for (Map<String, Object> r : new KernelTableReader(s3.s3aSettings()).read(writer.table().location()).rows()) {
      String key = r.get("tenant_id") + "/" + r.get("_entity_id");
      if (seen.put(key, (Long) r.get("_version")) != null) doubled.add(key);
      assertThat(r.get("summary")).isEqualTo("v" + r.get("_version"));
    }
    assertThat(doubled).isEmpty();
    assertThat(seen).isEqualTo(expected);
    writer.close();
  }
}
