package io.tenantlake.engine.ingest;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the ingest's counts and rates at a fixed interval while anything moves. */
public final class IngestProgressLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestProgressLog.class);
  private final IngestMetrics metrics;
  private final ScheduledExecutorService timer;
  private final long intervalMillis;
  private long lastRead;
  private long lastCommitted;
  private long lastBackfill;

  public IngestProgressLog(IngestMetrics metrics, Duration interval) {
    this.metrics = metrics;
    this.intervalMillis = interval.toMillis();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ingest-progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::report, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  void report() {
    long read = metrics.recordsRead.sum();
    long committed = metrics.eventsCommitted.sum();
    long backfill = metrics.backfillRead.sum();
    if (read == lastRead && committed == lastCommitted && backfill == lastBackfill) return;
    double seconds = intervalMillis / 1000.0;
    log.info("raw ingest: read {} Kinesis records ({}/s) and {} backfill records ({}/s), committed {} events ({}/s), "
            + "{} dead letters, {} duplicates dropped {}, {} id conflicts, {} commits, max shard lag {} ms", read,
        Math.round((read - lastRead) / seconds),
        backfill, Math.round((backfill - lastBackfill) / seconds), committed,
        Math.round((committed - lastCommitted) / seconds), metrics.deadLetters.sum(), metrics.duplicatesDropped.sum(),
        metrics.duplicatesByTable(), metrics.idConflicts.sum(), metrics.commits.sum(),
        metrics.maxLagMillis());
    lastRead = read;
    lastCommitted = committed;
    lastBackfill = backfill;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
