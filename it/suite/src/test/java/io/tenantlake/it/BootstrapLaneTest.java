package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import io.tenantlake.proto.domain.confluence.v1.Page;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.v1.BootstrapRecord;
import io.tenantlake.testkit.KernelTableReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The bootstrap lane against kinesalite and S3Proxy with the engine in its own JVM: a job's rate
 * changed at runtime (followed, paused, resumed) with every record in raw exactly once, malformed
 * records in deadletter with their object and offset, and a job that survives a SIGKILL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootstrapLaneTest {
  static final String SNAPSHOTS = "snapshots";
  static LocalLake lake;

  @BeforeAll
  static void start() throws Exception {
    Path logs = Paths.get("target", "it-logs", "bootstrap");
    Files.createDirectories(logs);
    lake = new LocalLake("region-boot", 2, logs);
    lake.s3().createBucket(SNAPSHOTS);
    lake.startEngine(Map.of("tenantlake.lanes.bootstrap.initial-rate", "500"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  @Test
  @Order(1)
  void theLaneRateChangesAtRuntimeWithoutLosingOrRepeatingARecord() throws Exception {
    List<BootstrapRecord> records = users("rate", 40, 1_000);
    List<SnapshotFiles.Garbage> garbage = List.of(
        new SnapshotFiles.Garbage(2, "{\"tenantId\": not json\n".getBytes(StandardCharsets.UTF_8)),
        new SnapshotFiles.Garbage(0, new byte[] {5, 1, 2, 3, (byte) 0xff, (byte) 0xff}));
    String job = snapshotJob("identity.user", "users-rate", records, 8, garbage);

    // 500/s: the records that entered the pipeline through the lane over 10 s (commits come in
    // cycles of a few seconds, too coarse to time a rate over 10 s; they are checked at the end).
    awaitRecords(job, 1_000, Duration.ofSeconds(30));
    long p10 = lanePassed();
    long t0 = System.nanoTime();
    Thread.sleep(10_000);
    double rate = (lanePassed() - p10) / ((System.nanoTime() - t0) / 1e9);
    System.out.printf("bootstrap lane at 500/s: %.1f records/s through the lane over 10 s%n", rate);
    assertThat(rate).as("records/s through the lane at a rate of 500").isBetween(400.0, 600.0);

    // 5,000/s: the lane's throttle follows within 2 s.
    JsonNode set = setRate(5_000);
    assertThat(set.path("rate").asDouble()).isEqualTo(5_000.0);
    Thread.sleep(2_000);
    long p0 = lanePassed();
    Thread.sleep(1_000);
    long third = lanePassed() - p0;
    System.out.printf("bootstrap lane set to 5,000/s: %d records through it in the third second%n", third);
    assertThat(third).as("records through the bootstrap lane in the third second at 5,000/s").isGreaterThan(3_500);

    // 0: the lane stops. What passed before is still committed (a batch may be forming and one in
    // commit); once that settles, nothing more passes and nothing more is committed.
    setRate(0);
    Thread.sleep(1_000);
    long passedOneSecondIn = lanePassed();
    long paused = passedOneSecondIn;
    long pausedRecords = records(job);
    long settleBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    do {
      Thread.sleep(2_000);
      long p = lanePassed();
      long r = records(job);
      if (p == paused && r == pausedRecords) break;
      paused = p;
      pausedRecords = r;
    } while (System.nanoTime() < settleBy);
    Thread.sleep(3_000);
    assertThat(lanePassed()).as("records through the lane since 1 s after the pause").isEqualTo(passedOneSecondIn);
    assertThat(records(job)).as("records committed while paused").isEqualTo(pausedRecords);
    assertThat(lake.admin("GET", "/v1/admin/jobs/" + job, null).body().path("state").asText()).isEqualTo("running");

    setRate(20_000);
    JsonNode done = awaitDone(job, Duration.ofMinutes(3));
    assertThat(done.path("records_done").asLong()).isEqualTo(records.size() + garbage.size());
    assertThat(done.path("dead_letters").asLong()).isEqualTo(garbage.size());
    assertThat(done.path("objects_done").asInt()).isEqualTo(8);
    assertExactlyOnceInRaw("identity.user", job, records);
    assertDeadLettersNameTheirObject(job, garbage.size());
  }

  @Test
  @Order(2)
  void aJobKilledWithTheEngineResumesAndWritesEveryRecordOnce() throws Exception {
    setRate(5_000);
    List<BootstrapRecord> records = pages("crash", 50, 1_200);
    String job = snapshotJob("confluence.page", "pages-crash", records, 6, List.of());
    awaitRecords(job, records.size() / 3, Duration.ofMinutes(2));
    lake.killEngine();
    lake.startEngine(Map.of("tenantlake.lanes.bootstrap.initial-rate", "5000"));
    JsonNode done = awaitDone(job, Duration.ofMinutes(4));
    assertThat(done.path("records_done").asLong()).isEqualTo(records.size());
    assertExactlyOnceInRaw("confluence.page", job, records);
  }

  @Test
  @Order(3)
  void badRequestsAreRefusedWithAReason() throws Exception {
    var unknownType = lake.admin("POST", "/v1/admin/bootstrap", "{\"entity_type\": \"jira.sprint\", \"uri\": \"s3://snapshots/x\"}");
    assertThat(unknownType.status()).isEqualTo(400);
    assertThat(unknownType.body().path("reason").asText()).contains("jira.sprint");
    var badUri = lake.admin("POST", "/v1/admin/bootstrap", "{\"entity_type\": \"jira.issue\", \"uri\": \"http://x/y\"}");
    assertThat(badUri.status()).isEqualTo(400);
    var empty = lake.admin("POST", "/v1/admin/bootstrap", "{\"entity_type\": \"jira.issue\", \"uri\": \"s3://snapshots/nothing-here\"}");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.body().path("reason").asText()).contains("no snapshot objects");
    assertThat(lake.admin("PUT", "/v1/admin/lanes/bootstrap/rate", "{\"rate\": -1}").status()).isEqualTo(400);
    assertThat(lake.admin("PUT", "/v1/admin/lanes/live/rate", "{\"rate\": 5}").status()).isEqualTo(404);
    assertThat(lake.admin("GET", "/v1/admin/jobs/bs-nosuchjob", null).status()).isEqualTo(404);
    assertThat(lake.admin("DELETE", "/v1/admin/jobs/bs-nosuchjob", null).status()).isEqualTo(404);
    assertThat(lake.admin("GET", "/v1/admin/lanes/bootstrap/rate", null).body().path("rate").asDouble()).isEqualTo(5_000.0);
    var noToken = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        lake.engineUri().resolve("/v1/admin/jobs")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(noToken.statusCode()).isEqualTo(401);
  }

  @Test
  @Order(4)
  void aCancelledJobStopsAndSaysSo() throws Exception {
    setRate(0);
    List<BootstrapRecord> records = users("cancel", 10, 300);
    String job = snapshotJob("identity.user", "users-cancel", records, 2, List.of());
    var cancelled = lake.admin("DELETE", "/v1/admin/jobs/" + job, null);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.body().path("state").asText()).isEqualTo("cancelled");
    // What the lane had asked for before the pause may still pass (a record or two); what waits in
    // the lane does not, not even once the lane runs again.
    Thread.sleep(2_000);
    assertThat(records(job)).as("records of a job cancelled while its lane was paused").isLessThanOrEqualTo(2);
    setRate(5_000);
    Thread.sleep(3_000);
    assertThat(lake.admin("GET", "/v1/admin/jobs/" + job, null).body().path("state").asText()).isEqualTo("cancelled");
    assertThat(records(job)).as("records of a cancelled job (of 3,000) once its lane runs again").isLessThanOrEqualTo(2);
    assertThat(lake.admin("DELETE", "/v1/admin/jobs/" + job, null).status()).isEqualTo(409);
  }

  /** Uploads the records as a snapshot under {@code name} and starts a job for it. */
  static String snapshotJob(String type, String name, List<BootstrapRecord> records, int objects,
      List<SnapshotFiles.Garbage> garbage) throws Exception {
    SnapshotFiles.upload(lake.s3().client(), SNAPSHOTS, name, records, objects, garbage);
    return submit(type, "s3://" + SNAPSHOTS + "/" + name);
  }

  static String submit(String type, String uri) throws Exception {
    var answer = lake.admin("POST", "/v1/admin/bootstrap", "{\"entity_type\": \"" + type + "\", \"uri\": \"" + uri + "\"}");
    assertThat(answer.status()).as("POST /v1/admin/bootstrap: %s", answer.body()).isEqualTo(202);
    return answer.body().path("id").asText();
  }

  static JsonNode setRate(double rate) throws Exception {
    var answer = lake.admin("PUT", "/v1/admin/lanes/bootstrap/rate", "{\"rate\": " + rate + "}");
    assertThat(answer.status()).as("PUT rate: %s", answer.body()).isEqualTo(200);
    return answer.body();
  }

  static long lanePassed() throws Exception {
    return lake.admin("GET", "/v1/admin/lanes/bootstrap/rate", null).body().path("passed").asLong();
  }

  static long records(String job) throws Exception {
    return lake.admin("GET", "/v1/admin/jobs/" + job, null).body().path("records_done").asLong();
  }

  static void awaitRecords(String job, long n, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (records(job) < n) {
      if (System.nanoTime() > deadline) throw new AssertionError("job " + job + " did not reach " + n + " records");
      Thread.sleep(200);
    }
  }

  static JsonNode awaitDone(String job, Duration timeout) throws Exception {
    return awaitDone(lake, job, timeout);
  }

  static JsonNode awaitDone(LocalLake lake, String job, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      status = lake.admin("GET", "/v1/admin/jobs/" + job, null).body();
      if (!status.path("state").asText().equals("running")) break;
      Thread.sleep(500);
    }
    assertThat(status.path("state").asText()).as("job %s: %s", job, status).isEqualTo("done");
    return status;
  }

  /** Every record of the job is in its raw table once, read by Delta Kernel. */
  static void assertExactlyOnceInRaw(String type, String job, List<BootstrapRecord> records) throws Exception {
    KernelTableReader kernel = new KernelTableReader(lake.s3().s3aSettings());
    var rows = kernel.read(lake.tableLocation("raw/" + type), List.of("event_id", "lane", "shard_id", "op")).rows();
    Map<String, Integer> seen = new HashMap<>();
    for (var r : rows) {
      if (!job.equals(r.get("shard_id"))) continue;
      assertThat(r.get("lane")).isEqualTo("bootstrap");
      assertThat(r.get("op")).isEqualTo("UPDATED");
      seen.merge((String) r.get("event_id"), 1, Integer::sum);
    }
    Map<String, Integer> expected = new HashMap<>();
    records.forEach(r -> expected.put(r.getEventId(), 1));
    assertThat(seen).isEqualTo(expected);
  }

  static void assertDeadLettersNameTheirObject(String job, int n) throws Exception {
    KernelTableReader kernel = new KernelTableReader(lake.s3().s3aSettings());
    var rows = kernel.read(lake.tableLocation("deadletter"), List.of("reason", "shard_id")).rows().stream()
        .filter(r -> job.equals(r.get("shard_id"))).toList();
    assertThat(rows).hasSize(n);
    assertThat(rows).allSatisfy(r -> assertThat((String) r.get("reason")).contains("s3://" + SNAPSHOTS + "/").contains(" record "));
  }

  static List<BootstrapRecord> users(String prefix, int tenants, int perTenant) {
    List<BootstrapRecord> out = new ArrayList<>();
    for (int i = 0; i < perTenant; i++) {
      for (int t = 0; t < tenants; t++) {
        String tenant = String.format("%s-%03d", prefix, t);
        String id = "user-" + i;
        out.add(BootstrapRecord.newBuilder().setEventId(tenant + "-" + id + "-snap").setTenantId(tenant)
            .setEntityType("identity.user").setEntityId(id).setVersion(1 + i % 7)
            .setPayload(Any.pack(User.newBuilder().setDisplayName("User " + i).setEmail(id + "@example.com").build()))
            .build());
      }
    }
    return out;
  }

  static List<BootstrapRecord> pages(String prefix, int tenants, int perTenant) {
    List<BootstrapRecord> out = new ArrayList<>();
    for (int i = 0; i < perTenant; i++) {
      for (int t = 0; t < tenants; t++) {
        String tenant = String.format("%s-%03d", prefix, t);
        String id = "page-" + i;
        out.add(BootstrapRecord.newBuilder().setEventId(tenant + "-" + id + "-snap").setTenantId(tenant)
            .setEntityType("confluence.page").setEntityId(id).setVersion(3)
            .setPayload(Any.pack(Page.newBuilder().setSpaceKey("S").setTitle("Page " + i).build())).build());
      }
    }
    return out;
  }
}
