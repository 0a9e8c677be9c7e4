package io.tenantlake.it.bench;

import io.tenantlake.api.demo.SampleEvents;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.it.LocalLake;
import io.tenantlake.it.RetryingProducer;
import io.tenantlake.proto.v1.ChangeEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Files per partition and table-open time after a long live ingest run through the node, with table
 * maintenance on its default schedules and with it switched off, in the same run: two local lakes
 * (each its own Kinesis emulator, S3Proxy and engine process) fed the same steady stream side by
 * side. Every REPORT_MINUTES both print the state of raw/jira.issue; at the end every raw and
 * refined table of both. Usage:
 * {@code bin/tenantlake bench maintenance-live [MINUTES [EVENTS_PER_S [TENANTS [OPENS]]]]}, defaults
 * 60 minutes, 200 events/s, 100 tenants, 7 opens.
 */
public final class LiveMaintenanceBenchmark {
  static final List<String> TYPES = List.of("jira.issue", "identity.user", "confluence.page");
  static final List<String> TABLES = List.of("raw/jira.issue", "raw/identity.user", "raw/confluence.page",
      "refined/jira_issues", "refined/jira_issue_labels", "refined/users", "refined/confluence_pages");
  static final int REPORT_MINUTES = 10;

  public static void main(String[] args) throws Exception {
    int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int tenants = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int opens = args.length > 3 ? Integer.parseInt(args[3]) : 7;
    Path logs = Paths.get("target", "bench-logs", "maintenance-live");
    Files.createDirectories(logs);
    System.out.printf("maintenance-live: %d min at %d events/s over %d tenants, %s; %d cores%n", minutes, rate, tenants,
        TYPES, Runtime.getRuntime().availableProcessors());
    try (LocalLake on = new LocalLake("maint-on", 2, logs.resolve("on"));
         LocalLake off = new LocalLake("maint-off", 2, logs.resolve("off"))) {
      // The node's defaults (LocalLake commits every 500 ms; the node every 1 s), except that the
      // off side has no maintenance at all.
      Map<String, String> node = Map.of("tenantlake.ingest.commit.max-age", "1s");
      java.util.concurrent.ExecutorService starters = java.util.concurrent.Executors.newFixedThreadPool(2);
      CompletableFuture<Void> a = CompletableFuture.runAsync(() -> start(on, node), starters);
      Map<String, String> without = new java.util.HashMap<>(node);
      without.put("tenantlake.maintenance.enabled", "false");
      CompletableFuture<Void> b = CompletableFuture.runAsync(() -> start(off, without), starters);
      a.join();
      b.join();
      starters.shutdown();
      // One producer per lake, the same seeded events at the same steady rate: a lake that falls
      // behind shows as a lower rate of its own, not as a slower rate for the other.
      long started = System.nanoTime();
      long end = started + TimeUnit.MINUTES.toNanos(minutes);
      // Threads of their own: the common pool has one thread on two cores.
      java.util.concurrent.ExecutorService producers = java.util.concurrent.Executors.newFixedThreadPool(2);
      CompletableFuture<Long> postedOn = CompletableFuture.supplyAsync(() -> produce(on, rate, tenants, end), producers);
      CompletableFuture<Long> postedOff = CompletableFuture.supplyAsync(() -> produce(off, rate, tenants, end), producers);
      long nextReport = started + TimeUnit.MINUTES.toNanos(REPORT_MINUTES);
      while (System.nanoTime() < end) {
        TimeUnit.NANOSECONDS.sleep(Math.max(1, Math.min(end, nextReport) - System.nanoTime()));
        if (System.nanoTime() >= nextReport && System.nanoTime() < end) {
          long min = TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - started);
          report(min + " min, maintenance on", on, "raw/jira.issue", 3);
          report(min + " min, maintenance off", off, "raw/jira.issue", 3);
          nextReport += TimeUnit.MINUTES.toNanos(REPORT_MINUTES);
        }
      }
      long posted = postedOn.join();
      long postedToOff = postedOff.join();
      producers.shutdown();
      System.out.printf("posted %,d events to the lake with maintenance (%.0f/s), %,d to the one without (%.0f/s)%n",
          posted, posted / (minutes * 60.0), postedToOff, postedToOff / (minutes * 60.0));
      on.awaitRawCheckpoint(posted, java.time.Duration.ofMinutes(10));
      off.awaitRawCheckpoint(postedToOff, java.time.Duration.ofMinutes(10));
      for (String table : TABLES) {
        report("end, maintenance on", on, table, opens);
        report("end, maintenance off", off, table, opens);
      }
    }
  }

  /** Posts EVENTS_PER_S in four requests a second until {@code end}; the events posted. */
  private static long produce(LocalLake lake, int rate, int tenants, long end) {
    try {
      RetryingProducer producer = new RetryingProducer(lake, java.time.Duration.ofMinutes(2));
      SampleEvents sample = new SampleEvents(SampleEvents.tenants(tenants), TYPES, 5_000, 11);
      int perTick = Math.max(1, rate / 4);
      long next = System.nanoTime();
      long posted = 0;
      while (System.nanoTime() < end) {
        List<ChangeEvent> batch = new ArrayList<>(perTick);
        for (int i = 0; i < perTick; i++) batch.add(sample.next());
        producer.send(batch);
        posted += batch.size();
        next += TimeUnit.MILLISECONDS.toNanos(250);
        long sleep = next - System.nanoTime();
        if (sleep > 0) TimeUnit.NANOSECONDS.sleep(sleep);
      }
      return posted;
    } catch (Exception e) {
      throw new IllegalStateException("producer failed", e);
    }
  }

  private static void start(LocalLake lake, Map<String, String> overrides) {
    try {
      lake.startEngine(overrides);
    } catch (Exception e) {
      throw new IllegalStateException("engine did not start", e);
    }
  }

  private static void report(String label, LocalLake lake, String table, int opens) throws Exception {
    DeltaTable t = DeltaTable.at(lake.storage(), table);
    if (!t.exists()) {
      System.out.printf("%s: %s does not exist%n", label, table);
      return;
    }
    MaintenanceBenchmark.report(label + ", " + table, lake.storage(), t, lake.s3aSettings(), opens);
  }
}
