package io.tenantlake.it.bench;

import io.tenantlake.api.demo.SampleEvents;
import io.tenantlake.it.LocalLake;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.testkit.LocalKinesis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events/s from intake to committed raw rows, against the emulator's own ceiling.
 *
 * <p>Each run, in turn: (a) the ceiling: a fresh kinesalite, the events put (one per record) and
 * read back with the SDK alone; (a') for reference, the same with the records packed as the intake
 * packs them; (b) the engine: a fresh local lake (kinesalite, S3Proxy), the events posted over
 * HTTP to an intake node (protobuf, 500 a batch, 4 producers), an engine node in its own JVM
 * committing raw Delta tables on S3; time from the first post until the raw commit that completed
 * them (its timestamp in the Delta log). Each part is first warmed up with WARMUP events (default:
 * as many as measured) of other tenants, as a long-running node is. Prints each run and the medians. Usage: {@code bin/tenantlake bench ingest [EVENTS [RUNS [SHARDS [WARMUP]]]]}.
 */
public final class IngestBenchmark {
  static final List<String> TYPES = List.of("jira.issue", "identity.user", "confluence.page");
  static final int PRODUCERS = 4;
  static int warmUpEvents = 20_000;

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int shards = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    warmUpEvents = args.length > 3 ? Integer.parseInt(args[3]) : events;
    SampleEvents sample = new SampleEvents(SampleEvents.tenants(50), TYPES, 2_000, 1);
    List<ChangeEvent> all = new ArrayList<>(events);
    for (int i = 0; i < events; i++) all.add(sample.next());
    long bytes = all.stream().mapToLong(ChangeEvent::getSerializedSize).sum();
    System.out.printf("ingest benchmark: %d events (%d bytes on average), %d tenants, types %s, %d shards per stream, "
        + "%d producers, %d runs, %d warm-up events per run%n", events, bytes / events, 50, TYPES, shards, PRODUCERS, runs,
        warmUpEvents);
    double[] ceiling = new double[runs];
    double[] packedCeiling = new double[runs];
    double[] engine = new double[runs];
    Path logs = Paths.get("target", "bench-logs");
    Files.createDirectories(logs);
    for (int r = 0; r < runs; r++) {
      // The ceiling: one event per record, as a plain SDK producer puts them.
      try (LocalKinesis kinesis = freshEmulator(shards)) {
        EmulatorCeiling.eventsPerSecond(kinesis, warmUp(), PRODUCERS);
        ceiling[r] = EmulatorCeiling.eventsPerSecond(kinesis, all, PRODUCERS);
      }
      // For reference: the emulator moving the records the intake actually puts (packed per shard).
      try (LocalKinesis kinesis = freshEmulator(shards)) {
        EmulatorCeiling.eventsPerSecond(kinesis, warmUp(), PRODUCERS, true);
        packedCeiling[r] = EmulatorCeiling.eventsPerSecond(kinesis, all, PRODUCERS, true);
      }
      engine[r] = engineRun(all, shards, logs.resolve("run-" + r));
      System.out.printf("run %d: emulator ceiling %,.0f events/s (packed records: %,.0f), engine (HTTP intake to committed"
          + " raw) %,.0f events/s, ratio %.2f (to packed: %.2f)%n", r + 1, ceiling[r], packedCeiling[r], engine[r],
          engine[r] / ceiling[r], engine[r] / packedCeiling[r]);
    }
    double[] ratios = new double[runs];
    double[] packedRatios = new double[runs];
    for (int r = 0; r < runs; r++) {
      ratios[r] = engine[r] / ceiling[r];
      packedRatios[r] = engine[r] / packedCeiling[r];
    }
    System.out.printf("median: emulator ceiling %,.0f events/s (packed records: %,.0f), engine %,.0f events/s, ratio %.2f"
        + " (to packed: %.2f; medians of per-run ratios)%n", median(ceiling), median(packedCeiling), median(engine),
        median(ratios), median(packedRatios));
    System.exit(0);
  }

  static LocalKinesis freshEmulator(int shards) {
    LocalKinesis kinesis = LocalKinesis.start();
    for (String s : List.of("tenantlake-jira", "tenantlake-identity", "tenantlake-confluence")) kinesis.createStream(s, shards);
    return kinesis;
  }

  static double engineRun(List<ChangeEvent> all, int shards, Path logDir) throws Exception {
    return engineRun(all, shards, logDir, java.util.Map.of()).eventsPerSecond();
  }

  /**
   * One engine run's figures: events/s from the first post to the completing raw commit, and the CPU
   * the engine process spent per event meanwhile (user + system, from /proc): the second holds up on
   * a busy shared machine, where wall time does not.
   */
  record EngineRun(double eventsPerSecond, double engineCpuMicrosPerEvent) {}

  /** @param settings engine settings of the run's own, beside the refined pipeline switched off */
  static EngineRun engineRun(List<ChangeEvent> all, int shards, Path logDir, java.util.Map<String, String> settings)
      throws Exception {
    Files.createDirectories(logDir);
    try (LocalLake lake = new LocalLake("bench", shards, logDir)) {
      // The raw lane alone: the refined pipeline (measured by its own benchmark) is switched off.
      java.util.Map<String, String> engineSettings = new java.util.HashMap<>(settings);
      engineSettings.put("tenantlake.refined.enabled", "false");
      LocalLake.Engine engine = lake.startEngine(engineSettings);
      // Warm up both nodes (JIT, connections, the first commits) the same way, as a long-running
      // node is: a fresh JVM spends seconds compiling, which no deployed node pays per request.
      List<ChangeEvent> warmUp = warmUp();
      postAll(lake, warmUp);
      lake.awaitRawCheckpoint(warmUp.size(), Duration.ofMinutes(5));
      long base = lake.committedRaw();
      long cpuBefore = cpuMillis(engine.process().pid());
      long started = System.nanoTime();
      long startedAtMillis = System.currentTimeMillis();
      postAll(lake, all);
      double postSeconds = (System.nanoTime() - started) / 1e9;
      // The moment of the checkpoint commit that completed raw, not when a poll noticed it. The
      // lake is fresh: the lane's checkpoint counts the warm-up events and then these.
      long completedAtMillis = lake.awaitRawCheckpoint(warmUp.size() + all.size(), Duration.ofMinutes(10));
      double seconds = (completedAtMillis - startedAtMillis) / 1e3;
      double cpuMicrosPerEvent = (cpuMillis(engine.process().pid()) - cpuBefore) * 1000.0 / all.size();
      if (lake.committedRaw() < base + all.size()) throw new AssertionError("raw holds fewer rows than the checkpoint counts");
      System.out.printf("  engine run: intake acknowledged all in %.1f s (%,.0f events/s), raw complete after %.1f s, "
          + "engine CPU %.1f µs an event%n", postSeconds, all.size() / postSeconds, seconds, cpuMicrosPerEvent);
      return new EngineRun(all.size() / seconds, cpuMicrosPerEvent);
    }
  }

  /** User + system CPU of a process so far, in ms (Linux /proc; clock ticks of 10 ms). */
  static long cpuMillis(long pid) throws java.io.IOException {
    String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
    // Fields after the command name (which may hold spaces) start after the last ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
  }

  /** Posts the events in 500-event protobuf batches from {@link #PRODUCERS} threads; returns when all are answered. */
  static void postAll(LocalLake lake, List<ChangeEvent> events) throws Exception {
    List<List<ChangeEvent>> batches = new ArrayList<>();
    for (int i = 0; i < events.size(); i += 500) batches.add(events.subList(i, Math.min(events.size(), i + 500)));
    ExecutorService posters = Executors.newFixedThreadPool(PRODUCERS);
    try {
      AtomicLong next = new AtomicLong();
      List<Future<?>> tasks = new ArrayList<>();
      for (int p = 0; p < PRODUCERS; p++) {
        tasks.add(posters.submit(() -> {
          for (long b; (b = next.getAndIncrement()) < batches.size(); ) lake.post(batches.get((int) b), true);
          return null;
        }));
      }
      for (Future<?> f : tasks) f.get();
    } finally {
      posters.shutdown();
    }
  }

  /** Events of 50 tenants of their own, to warm up JITs, connections and tables before timing. */
  static List<ChangeEvent> warmUp() {
    List<String> tenants = new ArrayList<>();
    for (int t = 0; t < 50; t++) tenants.add("warm-up-" + t);
    SampleEvents warm = new SampleEvents(tenants, TYPES, 100, 2);
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < warmUpEvents; i++) events.add(warm.next());
    return events;
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
