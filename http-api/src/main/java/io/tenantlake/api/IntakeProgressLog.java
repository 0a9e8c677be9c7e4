package io.tenantlake.api;

import io.tenantlake.engine.intake.IntakeMetrics;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One INFO line per interval with the intake's counts, while anything happens (never tokens or payloads). */
final class IntakeProgressLog implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(IntakeProgressLog.class);
  private final IntakeMetrics metrics;
  private final Duration interval;
  private IntakeMetrics.Snapshot last;

  private IntakeProgressLog(IntakeMetrics metrics, Duration interval) {
    this.metrics = metrics;
    this.interval = interval;
    this.last = metrics.snapshot();
  }

  /** Runs on the system's scheduler until the system terminates. */
  static void schedule(ActorSystem<?> system, IntakeMetrics metrics, Duration interval) {
    system.scheduler().scheduleAtFixedRate(interval, interval, new IntakeProgressLog(metrics, interval),
        system.executionContext());
  }

  @Override
  public void run() {
    IntakeMetrics.Snapshot now = metrics.snapshot();
    IntakeMetrics.Snapshot d = now.minus(last);
    last = now;
    if (d.requests() == 0) return;
    log.info("intake, last {} s: {} requests ({} refused whole), events {} accepted (in {} Kinesis records), {} rejected,"
            + " {} unavailable, {} claim checks, {} put again after a reshard; since start {} accepted, {} rejected,"
            + " {} unavailable",
        interval.toSeconds(), d.requests(), d.refusedRequests(), d.accepted(), d.kinesisRecords(), d.rejected(),
        d.unavailable(), d.claimChecks(), d.putAgain(), now.accepted(), now.rejected(), now.unavailable());
  }
}
