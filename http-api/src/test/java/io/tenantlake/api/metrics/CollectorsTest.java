package io.tenantlake.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.ingest.IngestMetrics;
import io.tenantlake.engine.intake.IntakeMetrics;
import io.tenantlake.engine.metrics.RefinedMetrics;
import io.tenantlake.testkit.PrometheusText;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The collectors read their sources at every scrape and write well-formed exposition text. */
class CollectorsTest {
  private static PrometheusText scrape(MetricSources sources, int topTenants) {
    return scrape(new MetricsRoutes(MetricsAssembly.registry(sources, new MetricsSettings(true, topTenants, false)),
        Optional.empty()));
  }

  private static PrometheusText scrape(MetricsRoutes routes) {
    return PrometheusText.parse(new String(routes.scrape(), StandardCharsets.UTF_8));
  }

  @Test
  void lanesAreReadAtScrapeTimeAndMayComeAndGo() {
    AtomicReference<Optional<IngestMetrics>> lanes = new AtomicReference<>(Optional.empty());
    MetricSources sources = new MetricSources().ingest(lanes::get);
    var registry = MetricsAssembly.registry(sources, new MetricsSettings(true, 2, false));
    var routes = new MetricsRoutes(registry, Optional.empty());

    PrometheusText before = scrape(routes);
    assertThat(before.value("tenantlake_ingest_writer")).isEqualTo(0);
    assertThat(before.family("tenantlake_raw_events_committed_total")).isEmpty();

    IngestMetrics m = new IngestMetrics();
    m.read("jira", "shardId-000000000001", 1500, 7);
    m.read("jira", "shardId-000000000001", 200, 3);
    m.read("confluence", "shardId-000000000000", 0, 4);
    m.eventsCommitted.add(12);
    m.commitDuration.observeMillis(40);
    m.commitDuration.observeMillis(700);
    m.deadLetterReasons.count("invalid event: no tenant");
    m.tenants.add("big", 100);
    m.tenants.add("mid", 50);
    m.tenants.add("small", 1);
    lanes.set(Optional.of(m)); // the lanes start here: same registry, nothing registered again

    PrometheusText after = scrape(routes);
    assertThat(after.value("tenantlake_ingest_writer")).isEqualTo(1);
    assertThat(after.value("tenantlake_ingest_records_read_total", "stream", "jira", "shard", "shardId-000000000001"))
        .isEqualTo(10);
    assertThat(after.value("tenantlake_ingest_millis_behind_latest", "stream", "jira", "shard", "shardId-000000000001"))
        .isEqualTo(200);
    assertThat(after.value("tenantlake_ingest_millis_behind_latest", "stream", "confluence")).isEqualTo(0);
    assertThat(after.value("tenantlake_raw_events_committed_total")).isEqualTo(12);
    assertThat(after.value("tenantlake_raw_dead_letters_total", "reason", "invalid_event")).isEqualTo(1);
    assertThat(after.value("tenantlake_raw_dead_letters_total", "reason", "other")).isEqualTo(0);
    // buckets are cumulative in the text format
    assertThat(after.value("tenantlake_raw_commit_cycle_seconds_bucket", "le", "0.05")).isEqualTo(1);
    assertThat(after.value("tenantlake_raw_commit_cycle_seconds_bucket", "le", "1.0")).isEqualTo(2);
    assertThat(after.value("tenantlake_raw_commit_cycle_seconds_bucket", "le", "+Inf")).isEqualTo(2);
    assertThat(after.value("tenantlake_raw_commit_cycle_seconds_count")).isEqualTo(2);
    assertThat(after.value("tenantlake_raw_commit_cycle_seconds_sum")).isEqualTo(0.74);
    // top 2 tenants only
    assertThat(after.samples("tenantlake_raw_tenant_events_total")).extracting(s -> s.labels().get("tenant"))
        .containsExactly("big", "mid");
    // JVM series from JvmMetrics
    assertThat(after.samples("jvm_memory_used_bytes", "area", "heap")).isNotEmpty();
    assertThat(after.family("jvm_threads_current")).isPresent();

    lanes.set(Optional.empty()); // the writer moved away
    PrometheusText gone = scrape(routes);
    assertThat(gone.value("tenantlake_ingest_writer")).isEqualTo(0);
    assertThat(gone.family("tenantlake_ingest_millis_behind_latest")).isEmpty();
  }

  @Test
  void intakeAndRefinedSeries() {
    IntakeMetrics intake = new IntakeMetrics();
    intake.accepted.add(5);
    intake.rejected.add(2);
    intake.putAgain.add(1);
    RefinedMetrics refined = new RefinedMetrics();
    var t = refined.table("refined/jira_issue");
    t.commits.increment();
    t.rowsWritten.add(9);
    t.duration.observeMillis(300);
    refined.freshnessFromEmitted.observeMillis(2_000);
    refined.backlogFrom(() -> 42);
    PrometheusText text = scrape(new MetricSources().intake(intake).refined(refined), 0);
    assertThat(text.value("tenantlake_intake_events_total", "result", "accepted")).isEqualTo(5);
    assertThat(text.value("tenantlake_intake_events_total", "result", "rejected")).isEqualTo(2);
    assertThat(text.value("tenantlake_intake_events_put_again_total")).isEqualTo(1);
    assertThat(text.value("tenantlake_refined_merge_commits_total", "table", "refined/jira_issue")).isEqualTo(1);
    assertThat(text.value("tenantlake_refined_rows_written_total", "table", "refined/jira_issue")).isEqualTo(9);
    assertThat(text.value("tenantlake_refined_merge_seconds_count", "table", "refined/jira_issue")).isEqualTo(1);
    assertThat(text.value("tenantlake_refined_freshness_seconds_count", "from", "emitted")).isEqualTo(1);
    assertThat(text.value("tenantlake_refined_freshness_seconds_count", "from", "ingested")).isEqualTo(0);
    // the backlog is the writer's: not shown on a node whose lanes do not run
    assertThat(text.family("tenantlake_refined_merge_backlog_events")).isEmpty();
    assertThat(text.family("tenantlake_raw_tenant_events_total")).isEmpty();
  }
}
