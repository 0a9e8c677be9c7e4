package io.tenantlake.api.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReachabilityProbeTest {
  /** A clock the test moves. */
  static final class TestClock extends Clock {
    long millis = 1_000_000;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void answersTheLastProbeAndCountsAStuckProbeAsUnreachable() {
    TestClock clock = new TestClock();
    AtomicReference<CompletableFuture<?>> answer = new AtomicReference<>(CompletableFuture.completedFuture(null));
    ReachabilityProbe probe = new ReachabilityProbe("storage", answer::get, Duration.ofSeconds(5), Duration.ofMillis(200), clock);
    assertThat(probe.problem()).contains("storage not checked yet");

    probe.probeNow();
    assertThat(probe.problem()).isEmpty();

    answer.set(CompletableFuture.failedFuture(new IllegalStateException("connection refused")));
    probe.probeNow();
    assertThat(probe.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("storage unreachable: ")
        .contains("connection refused"));

    CompletableFuture<Object> slow = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    answer.set(slow); // does not answer in time
    ReachabilityProbe counting = new ReachabilityProbe("storage", () -> {
      calls.incrementAndGet();
      return answer.get();
    }, Duration.ofSeconds(5), Duration.ofMillis(200), clock);
    counting.probeNow();
    assertThat(counting.problem()).contains("storage unreachable: no answer within 200 ms");
    assertThat(slow).as("the timeout must not complete (abort) the call's own future").isNotDone();
    counting.probeNow(); // still waiting for the first call: no second one
    assertThat(calls).hasValue(1);
    slow.complete("late");
    counting.probeNow(); // the first call answered: the next probe is a new call
    assertThat(counting.problem()).isEmpty();
    assertThat(calls).hasValue(2);

    answer.set(CompletableFuture.completedFuture(null));
    probe.probeNow();
    assertThat(probe.problem()).isEmpty();
    clock.millis += 15_201; // no probe ran for more than three intervals and a timeout
    assertThat(probe.problem()).contains("storage not probed for 15201 ms");
  }

  @Test
  void aCheckThatThrowsIsAProblem() {
    Readiness r = new Readiness().check("ok", java.util.Optional::empty).check("bad", () -> {
      throw new IllegalStateException("no");
    });
    Readiness.Report report = r.report();
    assertThat(report.ready()).isFalse();
    assertThat(report.checks()).containsEntry("ok", "ok").containsEntry("bad", "check failed: java.lang.IllegalStateException: no");
  }
}
