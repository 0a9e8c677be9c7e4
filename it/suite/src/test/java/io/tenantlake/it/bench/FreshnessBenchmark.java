package io.tenantlake.it.bench;

import com.google.protobuf.Any;
import io.tenantlake.api.demo.SampleEvents;
import io.tenantlake.it.LocalLake;
import io.tenantlake.it.SnapshotFiles;
import io.tenantlake.proto.v1.BootstrapRecord;
import io.tenantlake.it.TenantStateCheck;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Freshness: from the intake's acknowledgement of an event to its row being visible in the refined
 * table, at a steady input rate. Each batch carries one probe event (a jira.issue of its own); a
 * poller asks the engine's tenant state API until the probe is committed to the refined tables.
 * Prints p50/p99 and the merge throughput seen. With a third argument, a bootstrap job of that many
 * records (Jira issues of other tenants, into the same tables) runs at full speed the whole time:
 * live freshness under backfill. Usage: {@code FreshnessBenchmark [EVENTS_PER_S [SECONDS [BACKFILL_RECORDS]]]}.
 */
public final class FreshnessBenchmark {
  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int backfill = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    Path logs = Paths.get("target", "bench-logs", "freshness");
    Files.createDirectories(logs);
    try (LocalLake lake = new LocalLake("fresh", 2, logs)) {
      lake.startEngine(Map.of("tenantlake.lanes.bootstrap.initial-rate", "100000"));
      String job = backfill > 0 ? startBackfill(lake, backfill) : null;
      SampleEvents sample = new SampleEvents(SampleEvents.tenants(50), List.of("jira.issue", "identity.user", "confluence.page"),
          2_000, 3);
      int batch = Math.max(1, rate / 4);
      Map<String, Long> ackedAt = new ConcurrentHashMap<>();
      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      Thread poller = new Thread(() -> poll(lake, ackedAt, latencies), "freshness-poller");
      poller.setDaemon(true);
      poller.start();
      long next = System.nanoTime();
      long end = next + TimeUnit.SECONDS.toNanos(seconds);
      int probe = 0;
      long posted = 0;
      while (System.nanoTime() < end) {
        List<ChangeEvent> events = new ArrayList<>(batch + 1);
        for (int i = 0; i < batch; i++) events.add(sample.next());
        String id = "probe-" + probe++;
        events.add(ChangeEvent.newBuilder().setEventId(id).setTenantId("probe").setEntityType("jira.issue")
            .setEntityId(id).setOp(Op.OP_CREATED).setVersion(1)
            .setPayload(Any.pack(Issue.newBuilder().setKey(id).setSummary("probe").build())).build());
        // The intake takes at most 1,000 events a request: the probe goes in the last one.
        for (int from = 0; from < events.size(); from += 1000) lake.post(events.subList(from, Math.min(events.size(), from + 1000)), true);
        ackedAt.put(id, System.nanoTime());
        posted += events.size();
        next += TimeUnit.MILLISECONDS.toNanos(250);
        long sleep = next - System.nanoTime();
        if (sleep > 0) TimeUnit.NANOSECONDS.sleep(sleep);
      }
      long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!ackedAt.isEmpty() && System.nanoTime() < drainEnd) Thread.sleep(200);
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);
      System.out.printf("freshness at %d events/s for %d s (%d events, %d probes, %d not seen): p50 %d ms, p99 %d ms, max %d ms%n",
          rate, seconds, posted, probe, ackedAt.size(), pct(sorted, 50), pct(sorted, 99),
          sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1));
      List<Long> polls = new ArrayList<>(POLLS);
      Collections.sort(polls);
      System.out.printf("poll p50 %d ms p99 %d ms max %d%n", pct(polls, 50), pct(polls, 99), polls.isEmpty() ? -1 : polls.get(polls.size() - 1));
      if (job != null) {
        var status = lake.admin("GET", "/v1/admin/jobs/" + job, null).body();
        System.out.printf("backfill during the run: job %s %s, %d of %d records committed%n", job,
            status.path("state").asText(), status.path("records_done").asLong(), backfill);
      }
    }
    System.exit(0);
  }

  /**
   * Each probe is a new entity of tenant "probe", and probes are posted in order: when the tenant's
   * jira_issues row count reaches k, probes 0..k-1 are committed. The count comes from the Delta
   * log alone, so one cheap request per poll sees every probe at once.
   */
  static final List<Long> POLLS = Collections.synchronizedList(new ArrayList<>());

  private static void poll(LocalLake lake, Map<String, Long> ackedAt, List<Long> latencies) {
    long seen = 0;
    while (true) {
      try {
        long asked = System.nanoTime();
        var r = TenantStateCheck.get(lake, "/v1/tenants/probe", LocalLake.ADMIN_TOKEN);
        POLLS.add((System.nanoTime() - asked) / 1_000_000);
        if (r.statusCode() == 200) {
          long committed = LocalLake.JSON.readTree(r.body()).path("models").path("jira_issues").path("rows").asLong();
          long now = System.nanoTime();
          for (; seen < committed; seen++) {
            Long acked = ackedAt.remove("probe-" + seen);
            if (acked != null) latencies.add((now - acked) / 1_000_000);
          }
        }
      } catch (Exception e) {
        // the engine may be busy: ask again
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** A snapshot of Jira issues for 100 other tenants, bootstrapped at full speed from now on. */
  private static String startBackfill(LocalLake lake, int records) throws Exception {
    lake.s3().createBucket("bench-snapshots");
    List<BootstrapRecord> snapshot = new ArrayList<>(records);
    for (int i = 0; i < records; i++) {
      String tenant = String.format("bulk-%03d", i % 100);
      String id = "ISSUE-" + i / 100;
      snapshot.add(BootstrapRecord.newBuilder().setEventId(tenant + "-" + id).setTenantId(tenant).setEntityType("jira.issue")
          .setEntityId(id).setVersion(1).setPayload(Any.pack(Issue.newBuilder().setKey(id).setSummary("bulk " + id)
              .setStatus("Open").addLabels("backend").build())).build());
    }
    SnapshotFiles.upload(lake.s3().client(), "bench-snapshots", "bulk", snapshot, 20, List.of());
    var answer = lake.admin("POST", "/v1/admin/bootstrap",
        "{\"entity_type\": \"jira.issue\", \"uri\": \"s3://bench-snapshots/bulk\"}");
    if (answer.status() != 202) throw new IllegalStateException("bootstrap refused: " + answer.body());
    System.out.printf("backfill: %d records, job %s%n", records, answer.body().path("id").asText());
    return answer.body().path("id").asText();
  }

  private static long pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) return -1;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
