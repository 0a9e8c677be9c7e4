package io.tenantlake.api.health;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a dependency (S3, Kinesis) answers, checked in the background every {@code interval}
 * with a timeout, so that {@code /ready} reads a cached answer and never waits on the network. A
 * result older than three intervals counts as unreachable (the probe itself is stuck). Changes
 * are logged once each way, naming the dependency.
 */
public final class ReachabilityProbe {
  private static final Logger log = LoggerFactory.getLogger(ReachabilityProbe.class);

  private final String name;
  private final Supplier<CompletableFuture<?>> call;
  private final Duration interval;
  private final Duration timeout;
  private final Clock clock;
  private volatile Result last;
  /** The last call, until it answers (only the probe thread sets it). */
  private volatile CompletableFuture<?> inFlight;

  private record Result(Optional<String> problem, long atMillis) {}

  public ReachabilityProbe(String name, Supplier<CompletableFuture<?>> call, Duration interval, Duration timeout, Clock clock) {
    this.name = name;
    this.call = call;
    this.interval = interval;
    this.timeout = timeout;
    this.clock = clock;
    this.last = new Result(Optional.of(name + " not checked yet"), clock.millis());
  }

  /** Probes now and then every interval on {@code scheduler}, until it shuts down. */
  public ReachabilityProbe start(ScheduledExecutorService scheduler) {
    scheduler.scheduleWithFixedDelay(this::probeNow, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * One probe; waits for its answer at most the timeout. The wait times out on a copy: completing
   * the SDK's own future would abort its request (a reset connection, which kinesalite does not
   * survive), and the request may still answer. While it has not, no second one is sent.
   */
  void probeNow() {
    Optional<String> problem;
    try {
      CompletableFuture<?> pending = inFlight;
      if (pending == null || pending.isDone()) {
        pending = call.get();
        inFlight = pending;
      }
      pending.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
      problem = Optional.empty();
    } catch (RuntimeException e) {
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      problem = Optional.of(name + " unreachable: " + (cause instanceof java.util.concurrent.TimeoutException
          ? "no answer within " + timeout.toMillis() + " ms" : cause.toString()));
    }
    boolean wasOk = last.problem().isEmpty();
    last = new Result(problem, clock.millis());
    if (wasOk && problem.isPresent()) log.warn("readiness: {}", problem.get());
    if (!wasOk && problem.isEmpty()) log.info("readiness: {} reachable", name);
  }

  /** The last probe's problem, or that the probe has not answered for too long. */
  public Optional<String> problem() {
    Result r = last;
    long age = clock.millis() - r.atMillis();
    if (r.problem().isEmpty() && age > 3 * interval.toMillis() + timeout.toMillis()) {
      return Optional.of(name + " not probed for " + age + " ms");
    }
    return r.problem();
  }
}
