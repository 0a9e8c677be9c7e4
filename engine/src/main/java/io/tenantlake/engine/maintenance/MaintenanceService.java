package io.tenantlake.engine.maintenance;

import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.maintenance.MaintenanceSettings.Task;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the table-care tasks on the writer node: each on its schedule (a pause after each run) and
 * on demand, one run at a time on a thread of its own, so runs never overlap each other and never
 * hold up ingestion (they commit beside the writers; a lost race costs the task a retry, never the
 * writer). A table that fails is named in the run's errors and the run goes on with the next.
 *
 * <p>Stop before another node becomes the writer: {@link #stop()} lets the table in progress
 * finish (Delta's S3 log store takes one writer per table) and runs nothing more.
 */
public final class MaintenanceService {
  private static final Logger log = LoggerFactory.getLogger(MaintenanceService.class);
  private static final int HISTORY = 50;

  private final MaintenanceSettings settings;
  private final DeltaStorage storage;
  private final List<String> rawTables;
  private final List<String> refinedTables;
  private final List<String> otherTables;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final AtomicLong ids = new AtomicLong();
  private final Deque<RunReport> history = new ArrayDeque<>();
  private final Map<Task, RunReport> last = new EnumMap<>(Task.class);
  private final Map<Long, RunReport> pending = new LinkedHashMap<>();
  private volatile RunReport current;
  private volatile boolean stopping;

  /**
   * @param rawTables {@code raw/<type>} tables
   * @param refinedTables {@code refined/<model>} tables
   * @param otherTables the deadletter and checkpoint tables (checkpoints, VACUUM and compaction of deadletter)
   */
  public MaintenanceService(MaintenanceSettings settings, DeltaStorage storage, List<String> rawTables,
      List<String> refinedTables, List<String> otherTables, Clock clock) {
    this.settings = settings;
    this.storage = storage;
    this.rawTables = List.copyOf(rawTables);
    this.refinedTables = List.copyOf(refinedTables);
    this.otherTables = List.copyOf(otherTables);
    this.clock = clock;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "table-maintenance");
      t.setDaemon(true);
      // Below the lanes: table care is background work.
      t.setPriority(Thread.MIN_PRIORITY);
      return t;
    });
  }

  public MaintenanceSettings settings() { return settings; }

  /** Schedules every task (when maintenance is enabled); on-demand runs work either way. */
  public MaintenanceService start() {
    if (!settings.enabled()) {
      log.info("table maintenance: schedules off (tenantlake.maintenance.enabled = false); on-demand runs only");
      return this;
    }
    for (Task t : Task.values()) {
      long delay = settings.initialDelay().toMillis();
      long every = settings.schedule(t).toMillis();
      executor.scheduleWithFixedDelay(() -> {
        try {
          run(queue(t, "schedule", t == Task.VACUUM && settings.dryRun()));
        } catch (RuntimeException e) {
          // A scheduled task that throws is never run again: log it and keep the schedule.
          log.error("table maintenance {}: the run failed: {}", t.label(), e.toString(), e);
        }
      }, delay, every, TimeUnit.MILLISECONDS);
    }
    log.info("table maintenance: scheduled on this node (compact every {}, vacuum {}, checkpoint {}, purge-tombstones {}) over {} tables",
        settings.schedule(Task.COMPACT), settings.schedule(Task.VACUUM), settings.schedule(Task.CHECKPOINT),
        settings.schedule(Task.PURGE_TOMBSTONES), rawTables.size() + refinedTables.size() + otherTables.size());
    return this;
  }

  /** Queues a run now; the answer is the queued run (its progress and result at {@link #status()}). */
  public RunReport submit(Task task, boolean dryRun) {
    if (stopping) throw new IllegalStateException("table maintenance is stopping on this node");
    RunReport queued = queue(task, "request", dryRun);
    executor.execute(() -> run(queued));
    return queued;
  }

  /** What runs now, what waits, the last run of each task and the recent runs (newest first). */
  public record Status(Optional<RunReport> running, List<RunReport> queued, Map<Task, RunReport> last,
      List<RunReport> recent) {}

  public synchronized Status status() {
    List<RunReport> recent = new ArrayList<>(history);
    return new Status(Optional.ofNullable(current), List.copyOf(pending.values()), Map.copyOf(last), recent);
  }

  /** Runs nothing more; completes once the table in progress is done. */
  public CompletableFuture<Void> stop() {
    stopping = true;
    executor.shutdown();
    return CompletableFuture.runAsync(() -> {
      try {
        if (!executor.awaitTermination(10, TimeUnit.MINUTES)) log.warn("table maintenance: still running after 10 minutes");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  private synchronized RunReport queue(Task task, String trigger, boolean dryRun) {
    RunReport r = new RunReport(ids.incrementAndGet(), task.label(), trigger, dryRun, "queued", clock.instant(), null, 0,
        tablesOf(task).size(), 0, List.of(), Map.of());
    pending.put(r.id(), r);
    return r;
  }

  List<String> tablesOf(Task task) {
    List<String> out = new ArrayList<>();
    switch (task) {
      case COMPACT -> { out.addAll(rawTables); out.addAll(refinedTables); out.addAll(otherTables.stream().filter(t -> !t.startsWith("_")).toList()); }
      case VACUUM, CHECKPOINT -> { out.addAll(rawTables); out.addAll(refinedTables); out.addAll(otherTables); }
      case PURGE_TOMBSTONES -> out.addAll(refinedTables);
    }
    return out;
  }

  /** Runs a queued run over its tables (on the maintenance thread). */
  RunReport run(RunReport queued) {
    synchronized (this) {
      pending.remove(queued.id());
    }
    if (stopping) return queued;
    Task task = Task.ofLabel(queued.task()).orElseThrow();
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    List<String> tables = tablesOf(task);
    List<TableResult> done = new ArrayList<>();
    Map<String, String> errors = new LinkedHashMap<>();
    RunReport running = new RunReport(queued.id(), queued.task(), queued.trigger(), queued.dryRun(), "running",
        queued.queuedAt(), started, 0, tables.size(), 0, List.of(), Map.of());
    current = running;
    for (String name : tables) {
      if (stopping) break;
      try {
        DeltaTable table = DeltaTable.at(storage, name);
        if (table.exists()) done.add(runOne(task, table, queued.dryRun()));
      } catch (RuntimeException e) {
        log.warn("table maintenance {}: table {} failed: {}", task.label(), name, e.toString(), e);
        errors.put(name, e.toString());
      }
      current = running.progress("running", (System.nanoTime() - t0) / 1_000_000, done, errors);
    }
    RunReport result = running.progress(errors.isEmpty() ? "done" : "failed", (System.nanoTime() - t0) / 1_000_000, done, errors);
    synchronized (this) {
      current = null;
      last.put(task, result);
      history.addFirst(result);
      while (history.size() > HISTORY) history.removeLast();
    }
    log.info("table maintenance {} ({}{}): {} tables in {} ms, {} failed; {}", task.label(), queued.trigger(),
        queued.dryRun() ? ", dry run" : "", done.size(), result.millis(), errors.size(), result.totals());
    return result;
  }

  private TableResult runOne(Task task, DeltaTable table, boolean dryRun) {
    return switch (task) {
      case COMPACT -> new Compactor(settings, clock).compact(storage, table);
      case VACUUM -> new Vacuum(settings, clock).run(storage, table, dryRun);
      case CHECKPOINT -> new LogCare(settings, clock).run(storage, table);
      case PURGE_TOMBSTONES -> new TombstonePurge(settings, clock).run(storage, table);
    };
  }
}
