package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.testkit.KernelTableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One writer per table across a two-node cluster: both engine nodes have the ingest role, only the
 * oldest runs the lanes (the other answers that it is not the writer, and refuses bootstrap jobs
 * with 503). When the writer is killed with SIGKILL mid-stream, the other node takes the lanes over
 * from the committed checkpoints and watermarks: raw holds every event exactly once and
 * refined/jira_issues, read with Delta Kernel, equals the fold of the highest versions.
 */
class IngestWriterFailoverTest {
  // Short waits keep the test quick. The split brain resolver is the default, keep-majority: with
  // two nodes and one dead it is a tie, which it breaks by keeping the side with the lowest
  // address. So the node that survives gets the lower port (a deployment runs three or more).
  static final Map<String, String> CLUSTER = Map.of(
      "pekko.cluster.split-brain-resolver.stable-after", "5s",
      "tenantlake.ingest.commit.max-records", "1000");
  static LocalLake lake;

  @BeforeAll
  static void start() throws Exception {
    Path logs = Paths.get("target", "it-logs", "failover");
    Files.createDirectories(logs);
    lake = new LocalLake("region-failover", 2, logs);
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  @Test
  void theSecondNodeTakesTheLanesOverWhenTheWriterDies() throws Exception {
    int[] ports = {LocalLake.freePort(), LocalLake.freePort()};
    while (ports[1] == ports[0]) ports[1] = LocalLake.freePort();
    java.util.Arrays.sort(ports);
    LocalLake.Engine first = lake.startEngine(with(CLUSTER, LocalLake.CLUSTER_PORT, ports[1]));
    LocalLake.Engine second = lake.startEngineJoining(first, with(CLUSTER, LocalLake.CLUSTER_PORT, ports[0]));
    awaitStandby(second, first);
    var refused = lake.admin(second.uri(), "POST", "/v1/admin/bootstrap",
        "{\"entity_type\": \"jira.issue\", \"uri\": \"s3://snapshots/x\"}");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.body().path("error").asText()).isEqualTo("not_writer");
    assertThat(refused.body().path("reason").asText()).contains(first.clusterAddress());

    Random random = new Random(7);
    List<ChangeEvent> events = new ArrayList<>();
    Map<String, Long> expected = new TreeMap<>();
    for (int t = 0; t < 40; t++) {
      String tenant = String.format("fo-%02d", t);
      for (int e = 0; e < 10; e++) {
        String id = "ISSUE-" + e;
        int versions = 1 + random.nextInt(4);
        for (int v = 1; v <= versions; v++) {
          events.add(ChangeEvent.newBuilder().setEventId(tenant + "-" + id + "-v" + v).setTenantId(tenant)
              .setEntityType("jira.issue").setEntityId(id).setOp(v == 1 ? Op.OP_CREATED : Op.OP_UPDATED).setVersion(v)
              .setPayload(Any.pack(Issue.newBuilder().setKey(id).setSummary(id + " v" + v).build())).build());
        }
        expected.put(tenant + "/" + id, (long) versions);
      }
    }
    Collections.shuffle(events, random);
    int half = events.size() / 2;
    post(events.subList(0, half));
    lake.awaitRaw(half / 2, Duration.ofMinutes(3));

    first.process().kill();
    post(events.subList(half, events.size()));
    lake.awaitWriter(second, Duration.ofMinutes(2));
    assertThat(Files.readString(second.process().logFile())).contains("is now the cluster's writer");

    KernelTableReader kernel = new KernelTableReader(lake.s3.s3aSettings());
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    Map<String, Long> refined = Map.of();
    while (System.nanoTime() < deadline) {
      refined = lake.refinedVersions(kernel, "jira_issues");
      if (refined.equals(expected)) break;
      Thread.sleep(2_000);
    }
    assertThat(refined).isEqualTo(expected);

    // Raw: every event exactly once, across the two writers.
    Map<String, Integer> seen = new HashMap<>();
    for (Map<String, Object> r : kernel.read(lake.tableLocation("raw/jira.issue"), List.of("event_id")).rows()) {
      seen.merge((String) r.get("event_id"), 1, Integer::sum);
    }
    assertThat(seen).hasSize(events.size());
    assertThat(seen.values()).allMatch(n -> n == 1);
  }

  private static Map<String, String> with(Map<String, String> base, String key, int value) {
    Map<String, String> m = new HashMap<>(base);
    m.put(key, String.valueOf(value));
    return m;
  }

  private void post(List<ChangeEvent> events) throws Exception {
    for (int i = 0; i < events.size(); i += 200) {
      List<ChangeEvent> batch = events.subList(i, Math.min(events.size(), i + 200));
      assertThat(lake.post(batch, true).path("accepted").asInt()).isEqualTo(batch.size());
    }
  }

  /** The second node is in the cluster and knows the first is the writer. */
  private void awaitStandby(LocalLake.Engine standby, LocalLake.Engine writer) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    LocalLake.AdminAnswer a = null;
    while (System.nanoTime() < deadline) {
      a = lake.admin(standby.uri(), "GET", "/v1/admin/ingest", null);
      if (a.status() == 200 && writer.clusterAddress().equals(a.body().path("writer_node").asText())) break;
      Thread.sleep(250);
    }
    assertThat(a.body().path("writer_node").asText()).as("%s", a.body()).isEqualTo(writer.clusterAddress());
    assertThat(a.body().path("writer_here").asBoolean()).isFalse();
    var w = lake.admin(writer.uri(), "GET", "/v1/admin/ingest", null);
    assertThat(w.body().path("writer_here").asBoolean()).as("%s", w.body()).isTrue();
  }

}
