package io.tenantlake.it.bench;

import io.tenantlake.api.demo.SampleEvents;
import io.tenantlake.proto.v1.ChangeEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What raw deduplication costs the raw lane: the ingest benchmark's engine part (HTTP intake to
 * committed raw, the same events, warmed up the same way) with {@code tenantlake.ingest.dedup} on
 * and off, in the same run, the order alternating per run so that neither side always runs on a
 * warmer or quieter machine. Prints each run's events/s and the engine's CPU per event (which a busy
 * shared machine disturbs far less than wall time), the medians and the medians of per-run ratios.
 * Usage: {@code bin/tenantlake bench dedup [EVENTS [RUNS [SHARDS]]]}.
 */
public final class DedupIngestBenchmark {
  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int shards = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    IngestBenchmark.warmUpEvents = events;
    SampleEvents sample = new SampleEvents(SampleEvents.tenants(50), IngestBenchmark.TYPES, 2_000, 1);
    List<ChangeEvent> all = new ArrayList<>(events);
    for (int i = 0; i < events; i++) all.add(sample.next());
    System.out.printf("dedup ingest benchmark: %d events, 50 tenants, %d shards per stream, %d runs, dedup on and off%n",
        events, shards, runs);
    Path logs = Paths.get("target", "bench-logs", "dedup");
    Files.createDirectories(logs);
    double[] on = new double[runs];
    double[] off = new double[runs];
    double[] ratio = new double[runs];
    double[] cpuOn = new double[runs];
    double[] cpuOff = new double[runs];
    double[] cpuRatio = new double[runs];
    for (int r = 0; r < runs; r++) {
      boolean onFirst = r % 2 == 0;
      for (int side = 0; side < 2; side++) {
        boolean dedup = (side == 0) == onFirst;
        IngestBenchmark.EngineRun run = IngestBenchmark.engineRun(all, shards,
            logs.resolve("run-" + r + (dedup ? "-on" : "-off")), Map.of("tenantlake.ingest.dedup.enabled", Boolean.toString(dedup)));
        if (dedup) {
          on[r] = run.eventsPerSecond();
          cpuOn[r] = run.engineCpuMicrosPerEvent();
        } else {
          off[r] = run.eventsPerSecond();
          cpuOff[r] = run.engineCpuMicrosPerEvent();
        }
      }
      ratio[r] = on[r] / off[r];
      cpuRatio[r] = cpuOn[r] / cpuOff[r];
      System.out.printf("run %d: dedup on %,.0f events/s (engine CPU %.1f µs an event), off %,.0f events/s (%.1f µs), "
          + "throughput on/off %.2f, CPU on/off %.2f%n", r + 1, on[r], cpuOn[r], off[r], cpuOff[r], ratio[r], cpuRatio[r]);
    }
    System.out.printf("median: dedup on %,.0f events/s (%.1f µs an event), off %,.0f events/s (%.1f µs), throughput on/off "
        + "%.2f, CPU on/off %.2f (medians of per-run ratios)%n", IngestBenchmark.median(on), IngestBenchmark.median(cpuOn),
        IngestBenchmark.median(off), IngestBenchmark.median(cpuOff), IngestBenchmark.median(ratio),
        IngestBenchmark.median(cpuRatio));
    System.exit(0);
  }
}
