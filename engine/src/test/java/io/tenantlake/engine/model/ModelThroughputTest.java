package io.tenantlake.engine.model;

import static io.tenantlake.engine.model.ModelFixtures.delete;
import static io.tenantlake.engine.model.ModelFixtures.event;
import static io.tenantlake.engine.model.ModelFixtures.issue;
import static io.tenantlake.engine.model.ModelFixtures.page;
import static io.tenantlake.engine.model.ModelFixtures.project;
import static io.tenantlake.engine.model.ModelFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.engine.refined.EntityRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A sanity check of throughput, not a benchmark: prints how long 10,000 events take; asserts no time. */
class ModelThroughputTest {

  private static List<RawEvent> batch(int n, long seed) {
    Random random = new Random(seed);
    List<RawEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String tenant = "t" + random.nextInt(1000);
      long version = 1 + random.nextInt(20);
      int kind = random.nextInt(100);
      if (kind < 10) {
        events.add(delete(tenant, "jira.issue", "d" + i, version));
      } else if (kind < 70) {
        String[] labels = new String[random.nextInt(4)];
        for (int l = 0; l < labels.length; l++) labels[l] = "label-" + random.nextInt(30);
        events.add(event(tenant, "jira.issue", "i" + i, version,
            issue("PROJ-" + i, labels).setSummary("Issue " + i + " ".repeat(random.nextInt(200))).build()));
      } else if (kind < 80) {
        events.add(event(tenant, "jira.project", "p" + i, version, project("P" + i, "Project " + i, "u" + i)));
      } else if (kind < 90) {
        events.add(event(tenant, "identity.user", "u" + i, version, user("User " + i, "u" + i + "@example.com", i % 7 != 0)));
      } else {
        events.add(event(tenant, "confluence.page", "pg" + i, version, page("ENG", "Page " + i, "x".repeat(2000), "u" + i)));
      }
    }
    return events;
  }

  @Test
  void tenThousandEventsThroughEveryShippedModel() {
    try (ModelRunner runner = new ModelRunner(ModelFixtures.shippedCatalog())) {
      runner.run(batch(10_000, 1)); // warm-up (JIT, DuckDB)
      for (int round = 0; round < 3; round++) {
        List<RawEvent> events = batch(10_000, 100 + round);
        long start = System.nanoTime();
        Map<String, List<EntityRows>> out = runner.run(events);
        long micros = (System.nanoTime() - start) / 1_000;
        int entities = out.values().stream().mapToInt(List::size).sum();
        int rows = out.values().stream().flatMap(List::stream).mapToInt(e -> e.rows().size()).sum();
        System.out.printf("model throughput: 10,000 events -> %d entity results, %d rows in %.1f ms (%.0f events/s)%n",
            entities, rows, micros / 1000.0, 10_000 / (micros / 1e6));
        assertThat(out.get("jira_issues")).hasSizeGreaterThan(6000);
      }
    }
  }
}
