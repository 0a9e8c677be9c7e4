package io.tenantlake.engine.refined;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.FileRowCache;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Invariant 3 for the merge flow: whatever the arrival order, duplicates, deletes, re-creates,
 * stale events, batch splits and retried merges, the table ends up as each entity's
 * highest-version event (computed here independently of the writer).
 */
class RefinedConvergenceTest {
  static final String[] LABELS = {"bug", "ui", "infra", "urgent", "later", "docs"};
  @TempDir Path dir;

  /** One event: an entity's state at a version (deleted, or its labels; none is a tombstone too). */
  record Event(String tenant, String entity, long version, boolean deleted, List<String> labels) {
    EntityRows toRows() {
      List<Object[]> rows = new ArrayList<>();
      if (!deleted) labels.forEach(l -> rows.add(new Object[] {entity, l}));
      return new EntityRows(tenant, "jira.issue", entity, version, deleted, tenant + "/" + entity + "@" + version,
          Instant.ofEpochSecond(1_700_000_000L + version), rows);
    }
  }

  /** The row cache (bytes) changes only where rows come from: none, one that evicts all the time, a big one. */
  @ParameterizedTest(name = "seed {0}, max small files {1}, row cache {2} bytes")
  @CsvSource({"1, 2, 0", "2, 50, 0", "3, 4, 0", "4, 1, 0", "1, 2, 40000", "2, 50, 67108864", "4, 1, 67108864"})
  void randomHistoriesInRandomBatchesConvergeToTheHighestVersionOfEachEntity(long seed, int maxSmallFiles,
      long rowCacheBytes) throws Exception {
    Random rnd = new Random(seed);
    List<Event> events = new ArrayList<>();
    Map<String, Event> winners = new HashMap<>();
    for (int t = 0; t < 50; t++) {
      String tenant = "t" + t;
      int entities = 1 + rnd.nextInt(12);
      for (int e = 0; e < entities; e++) {
        String entity = "I-" + rnd.nextInt(1000);
        if (winners.containsKey(tenant + "/" + entity)) continue;
        long version = 0;
        Event last = null;
        int versions = 1 + rnd.nextInt(6);
        for (int v = 0; v < versions; v++) {
          version += 1 + rnd.nextInt(3);
          // Deletes, and re-creates after them (a later version that is not deleted).
          boolean deleted = v > 0 && rnd.nextInt(4) == 0;
          List<String> labels = new ArrayList<>(List.of(LABELS));
          Collections.shuffle(labels, rnd);
          last = new Event(tenant, entity, version, deleted, deleted ? List.of() : List.copyOf(labels.subList(0, rnd.nextInt(4))));
          events.add(last);
          // Duplicates: the same event delivered again.
          while (rnd.nextInt(5) == 0) events.add(last);
        }
        winners.put(tenant + "/" + entity, last);
      }
    }
    Collections.shuffle(events, rnd);

    MergePolicy policy = MergePolicy.defaults().withSmallFiles(8L << 20, maxSmallFiles).withWriteParallelism(2);
    FileRowCache cache = new FileRowCache(rowCacheBytes);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try (RefinedTableWriter w = RefinedTableWriter.open(DeltaStorage.local(dir), RefinedFixtures.labels("issue_label"), policy,
        pool, cache)) {
      long txn = 0;
      int applied = 0;
      int dropped = 0;
      for (int i = 0; i < events.size(); ) {
        int n = Math.min(events.size() - i, 1 + rnd.nextInt(rnd.nextBoolean() ? 20 : 300));
        List<EntityRows> batch = events.subList(i, i + n).stream().map(Event::toRows).toList();
        MergeReport r = w.merge(batch, txn, "{\"upTo\":" + (i + n) + "}");
        assertThat(r.alreadyCommitted()).isFalse();
        applied += r.entitiesApplied();
        dropped += r.entitiesDroppedStale();
        assertThat(r.entitiesApplied() + r.entitiesDroppedStale()).isEqualTo(n);
        if (rnd.nextInt(4) == 0) {
          // A retry after a lost answer: skipped, whatever it carries.
          assertThat(w.merge(batch, txn, "{\"upTo\":-1}").alreadyCommitted()).isTrue();
        }
        txn++;
        i += n;
      }
      assertThat(applied + dropped).isEqualTo(events.size());
      assertThat(w.lastWatermark()).contains("{\"upTo\":" + events.size() + "}");

      List<Map<String, Object>> expected = new ArrayList<>();
      for (Event e : winners.values()) {
        if (e.deleted() || e.labels().isEmpty()) {
          expected.add(row(e, null, true));
        } else {
          for (String l : e.labels()) expected.add(row(e, l, false));
        }
      }
      assertThat(RefinedFixtures.byEntity(RefinedFixtures.kernelRows(w, Map.of())))
          .isEqualTo(RefinedFixtures.byEntity(expected));
      if (rowCacheBytes > 1_000_000) {
        // Every file a merge rewrote was one an earlier merge wrote: none was fetched again.
        assertThat(cache.hits()).isPositive();
        assertThat(cache.misses()).isZero();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static Map<String, Object> row(Event e, String label, boolean tombstone) {
    Map<String, Object> r = new HashMap<>();
    r.put("tenant_id", e.tenant());
    r.put("_entity_id", e.entity());
    r.put("_version", e.version());
    r.put("_deleted", tombstone);
    if (!tombstone) {
      r.put("issue_id", e.entity());
      r.put("label", label);
    }
    return r;
  }
}
