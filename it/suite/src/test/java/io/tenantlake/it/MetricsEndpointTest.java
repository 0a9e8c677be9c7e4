package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.api.demo.SampleEvents;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.testkit.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * {@code GET /metrics} during a real run: events posted to the intake node travel through
 * kinesalite to an engine node in its own JVM (raw on S3Proxy, refined merges); both nodes are
 * scraped during and after the run, the text parsed strictly, and the counters must have grown,
 * the lag gauges exist per shard, the commit histograms hold counts, and the JVM series be there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsEndpointTest {
  static LocalLake lake;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final List<String> TYPES = List.of("jira.issue", "identity.user", "confluence.page");

  @BeforeAll
  static void start() throws Exception {
    Path logs = Paths.get("target", "it-logs", "metrics");
    java.nio.file.Files.createDirectories(logs);
    lake = new LocalLake("region-metrics", 2, logs);
    lake.startEngine(Map.of("tenantlake.ingest.commit.max-records", "1000", "tenantlake.metrics.top-tenants", "5",
        "tenantlake.health.probe-interval", "1s"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  static PrometheusText scrape(URI node) throws Exception {
    HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(node.resolve("/metrics")).timeout(Duration.ofSeconds(30))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
    return PrometheusText.parse(resp.body());
  }

  @Test
  @Order(1)
  void countersGrowDuringARunAndEverySeriesIsThere() throws Exception {
    PrometheusText engineBefore = scrape(lake.engineUri());
    assertThat(engineBefore.value("tenantlake_ingest_writer")).isEqualTo(1);
    double committedBefore = engineBefore.value("tenantlake_raw_events_committed_total");

    SampleEvents sample = new SampleEvents(SampleEvents.tenants(20), TYPES, 200, 11);
    int posted = 0;
    for (int b = 0; b < 6; b++) {
      List<ChangeEvent> batch = new ArrayList<>();
      for (int i = 0; i < 500; i++) batch.add(sample.next());
      assertThat(lake.post(batch, b % 2 == 0).path("accepted").asInt()).isEqualTo(500);
      posted += 500;
    }
    putGarbage(2);
    lake.awaitRaw(posted / 2, Duration.ofMinutes(2));
    PrometheusText during = scrape(lake.engineUri());
    for (int b = 0; b < 6; b++) {
      List<ChangeEvent> batch = new ArrayList<>();
      for (int i = 0; i < 500; i++) batch.add(sample.next());
      assertThat(lake.post(batch, true).path("accepted").asInt()).isEqualTo(500);
      posted += 500;
    }
    lake.awaitRaw(posted, Duration.ofMinutes(3));
    PrometheusText after = awaitMerged(posted, Duration.ofMinutes(2));

    // intake node: what it acknowledged
    PrometheusText intake = scrape(lake.intakeUri());
    assertThat(intake.value("tenantlake_intake_events_total", "result", "accepted")).isEqualTo(posted);
    assertThat(intake.value("tenantlake_intake_events_total", "result", "rejected")).isZero();
    assertThat(intake.value("tenantlake_intake_kinesis_records_total")).isPositive().isLessThanOrEqualTo(posted);
    assertThat(intake.family("tenantlake_ingest_millis_behind_latest")).as("the intake node runs no lanes").isEmpty();
    assertThat(intake.value("tenantlake_ingest_writer")).isZero();

    // engine: raw counters grew from the first scrape to the second to the last
    double committedDuring = during.value("tenantlake_raw_events_committed_total");
    double committedAfter = after.value("tenantlake_raw_events_committed_total");
    assertThat(committedDuring).isGreaterThan(committedBefore);
    assertThat(committedAfter).isGreaterThan(committedDuring).isEqualTo(committedBefore + posted);
    assertThat(after.sum("tenantlake_ingest_records_read_total")).isGreaterThan(during.sum("tenantlake_ingest_records_read_total"));
    assertThat(after.value("tenantlake_raw_commits_total")).isGreaterThan(during.value("tenantlake_raw_commits_total"));
    // the garbage records: counted by a known kind of reason, not as "other"
    assertThat(after.sum("tenantlake_raw_dead_letters_total")).isEqualTo(2);
    assertThat(after.value("tenantlake_raw_dead_letters_total", "reason", "other")).isZero();
    assertThat(after.samples("tenantlake_raw_dead_letters_total")).extracting(s -> s.labels().get("reason"))
        .containsExactlyInAnyOrderElementsOf(io.tenantlake.engine.metrics.DeadLetterReasons.kinds());

    // a lag gauge per shard of every stream (2 shards each)
    Set<String> lagged = after.samples("tenantlake_ingest_millis_behind_latest").stream()
        .map(s -> s.labels().get("stream") + "/" + s.labels().get("shard")).collect(Collectors.toSet());
    assertThat(lagged).hasSize(LocalLake.STREAMS.size() * 2);
    assertThat(lagged.stream().map(k -> k.substring(0, k.indexOf('/'))).distinct()).containsExactlyInAnyOrderElementsOf(LocalLake.STREAMS);
    after.samples("tenantlake_ingest_millis_behind_latest").forEach(s -> assertThat(s.value()).isGreaterThanOrEqualTo(0));

    // commit histograms: counts that grew, buckets that add up
    double cyclesDuring = during.value("tenantlake_raw_commit_cycle_seconds_count");
    double cyclesAfter = after.value("tenantlake_raw_commit_cycle_seconds_count");
    assertThat(cyclesAfter).isGreaterThan(cyclesDuring);
    assertThat(after.value("tenantlake_raw_commit_cycle_seconds_bucket", "le", "+Inf")).isEqualTo(cyclesAfter);
    assertThat(after.value("tenantlake_raw_commit_cycle_seconds_sum")).isPositive();
    for (String model : List.of("refined/jira_issues", "refined/users", "refined/confluence_pages")) {
      assertThat(after.value("tenantlake_refined_merge_commits_total", "table", model)).isPositive();
      assertThat(after.value("tenantlake_refined_merge_seconds_count", "table", model))
          .isEqualTo(after.value("tenantlake_refined_merge_commits_total", "table", model));
      assertThat(after.value("tenantlake_refined_rows_written_total", "table", model)).isPositive();
      assertThat(after.value("tenantlake_refined_files_added_total", "table", model)).isPositive();
    }
    assertThat(after.value("tenantlake_refined_freshness_seconds_count", "from", "ingested")).isPositive();
    assertThat(after.value("tenantlake_refined_merge_backlog_events")).isZero();

    // bounded tenant series: the top 5 of the 20 tenants
    assertThat(after.samples("tenantlake_raw_tenant_events_total")).hasSize(5)
        .allSatisfy(s -> assertThat(s.labels().get("tenant")).isNotBlank());

    // lanes and the JVM
    assertThat(after.samples("tenantlake_lane_rate_configured_records_per_second")).extracting(s -> s.labels().get("lane"))
        .containsExactlyInAnyOrder("bootstrap", "import");
    assertThat(after.samples("jvm_memory_used_bytes", "area", "heap")).isNotEmpty();
    assertThat(after.value("jvm_threads_current")).isPositive();
    assertThat(after.family("jvm_gc_collection_seconds")).isPresent();
  }

  @Test
  @Order(2)
  void readyFlipsWhenABucketGoesAndComesBackWhileAliveStaysOk() throws Exception {
    var engineReady = get(lake.engineUri(), "/ready");
    assertThat(engineReady.statusCode()).as(engineReady.body()).isEqualTo(200);
    var checks = LocalLake.JSON.readTree(engineReady.body()).path("checks");
    assertThat(checks.fieldNames()).toIterable()
        .containsExactly("serving", "kinesis", "claim-check-bucket", "storage", "cluster", "lanes");
    checks.forEach(c -> assertThat(c.asText()).isEqualTo("ok"));
    var intakeReady = get(lake.intakeUri(), "/ready");
    assertThat(intakeReady.statusCode()).as(intakeReady.body()).isEqualTo(200);
    assertThat(LocalLake.JSON.readTree(intakeReady.body()).path("checks").fieldNames()).toIterable()
        .containsExactly("serving", "kinesis", "claim-check-bucket");

    // the claim-check bucket goes away (empty: nothing in this run needed a claim check)
    lake.s3().client().deleteBucket(b -> b.bucket(LocalLake.CLAIM_BUCKET));
    HttpResponse<String> lost = awaitReady(lake.engineUri(), 503, Duration.ofSeconds(20));
    assertThat(LocalLake.JSON.readTree(lost.body()).path("checks").path("claim-check-bucket").asText())
        .startsWith("claim-check-bucket unreachable: ");
    assertThat(get(lake.engineUri(), "/alive").statusCode()).isEqualTo(200);

    lake.s3().createBucket(LocalLake.CLAIM_BUCKET);
    awaitReady(lake.engineUri(), 200, Duration.ofSeconds(20));
  }

  private static HttpResponse<String> get(URI node, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(node.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> awaitReady(URI node, int status, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      HttpResponse<String> r = get(node, "/ready");
      if (r.statusCode() == status) return r;
      if (System.nanoTime() > deadline) throw new AssertionError("/ready did not answer " + status + ": " + r.body());
      Thread.sleep(250);
    }
  }

  /** Scrapes until every posted event is merged (the backlog is empty and the merges counted it). */
  private static PrometheusText awaitMerged(int posted, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      PrometheusText t = scrape(lake.engineUri());
      boolean merged = t.samples("tenantlake_refined_merge_backlog_events").stream().allMatch(s -> s.value() == 0)
          && !t.samples("tenantlake_refined_merge_commits_total").isEmpty()
          && t.value("tenantlake_raw_events_committed_total") >= posted;
      if (merged) return t;
      if (System.nanoTime() > deadline) throw new AssertionError("refined merges did not catch up within " + within);
      Thread.sleep(500);
    }
  }

  private static void putGarbage(int n) {
    List<PutRecordsRequestEntry> garbage = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] bytes = new byte[64];
      new Random(100 + i).nextBytes(bytes);
      garbage.add(PutRecordsRequestEntry.builder().partitionKey("garbage-" + i).data(SdkBytes.fromByteArray(bytes)).build());
    }
    assertThat(lake.kinesis.client().putRecords(b -> b.streamName("tenantlake-jira").records(garbage)).failedRecordCount())
        .isZero();
  }
}
