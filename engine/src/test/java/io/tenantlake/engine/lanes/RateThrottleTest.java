package io.tenantlake.engine.lanes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stage in running streams. Timing bounds are wide on purpose: the CI machine is small and noisy. */
class RateThrottleTest {
  static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("rate-throttle-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /** 0, 1, 2, ... for as long as it is pulled; pulls happen only on the throttle's demand. */
  static Source<Integer, NotUsed> naturals() {
    return Source.unfold(0, i -> Optional.of(Pair.create(i + 1, i)));
  }

  static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static boolean eventually(BooleanSupplier condition, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) return true;
      Thread.sleep(10);
    }
    return condition.getAsBoolean();
  }

  /** Waits until the count stops moving for 200 ms (at most 10 s) and returns it. */
  static long settled(java.util.function.LongSupplier count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long last = count.getAsLong();
    while (System.nanoTime() < deadline) {
      Thread.sleep(200);
      long now = count.getAsLong();
      if (now == last) return now;
      last = now;
    }
    throw new AssertionError("still moving 10 s after a pause: " + last);
  }

  @Test
  void passesAboutTheRateInOrderWithNothingLostOrRepeated() throws Exception {
    List<Integer> got = await(naturals().via(RateThrottle.<Integer>flow(200, "steady"))
        .takeWithin(Duration.ofSeconds(2)).runWith(Sink.seq(), system));
    // 2 s at 200/s plus the 0.1 s burst it starts with: ~420.
    assertThat(got.size()).isBetween(300, 500);
    assertThat(got).isEqualTo(upTo(got.size()));
  }

  @Test
  void rateZeroStopsElementsAndUpstreamDemandAndAResumeFlowsAgain() throws Exception {
    ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
    Pair<Pair<TestPublisher.Probe<Integer>, ThrottleControl>, CompletionStage<Done>> mat = TestSource.<Integer>create(system)
        .viaMat(RateThrottle.flow(1000, "pause"), Keep.both())
        .toMat(Sink.foreach(received::add), Keep.both())
        .withAttributes(Attributes.inputBuffer(1, 1))
        .run(system);
    TestPublisher.Probe<Integer> upstream = mat.first().first();
    ThrottleControl control = mat.first().second();

    // Sends one element per request, blocking until requested: `sent` counts the demand upstream saw.
    AtomicLong sent = new AtomicLong();
    Thread feeder = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted() && sent.get() < 100_000) {
        try {
          upstream.sendNext((int) sent.get());
          sent.incrementAndGet();
        } catch (AssertionError noDemandYet) {
          // the probe gives up waiting for a request after 3 s; paused, that is expected
        } catch (Exception interrupted) {
          return;
        }
      }
    }, "feeder");
    feeder.start();
    try {
      assertThat(eventually(() -> received.size() >= 100, Duration.ofSeconds(5))).isTrue();

      control.setRate(0);
      // The pause arrives through an async callback; on a loaded machine that can take a while.
      int receivedAtPause = (int) settled(received::size);
      long sentAtPause = sent.get();
      Thread.sleep(1000);
      assertThat(received).hasSize(receivedAtPause);
      assertThat(sent.get()).as("upstream saw no more demand").isEqualTo(sentAtPause);
      assertThat(sentAtPause - receivedAtPause).as("only what the input buffer holds").isLessThanOrEqualTo(2);

      control.setRate(5000);
      assertThat(eventually(() -> received.size() > receivedAtPause + 10, Duration.ofSeconds(1))).isTrue();
    } finally {
      feeder.interrupt();
      feeder.join(10_000);
    }
    upstream.sendComplete();
    await(mat.second());
    assertThat(List.copyOf(received)).isEqualTo(upTo(received.size()));
    assertThat(control.passed()).isEqualTo(received.size());
  }

  @Test
  void aRaiseFrom100To5000TakesEffectAtOnce() throws Exception {
    AtomicLong count = new AtomicLong();
    Pair<ThrottleControl, CompletionStage<Done>> mat = naturals()
        .viaMat(RateThrottle.flow(100, "raise"), Keep.right())
        .toMat(Sink.foreach(i -> count.incrementAndGet()), Keep.both())
        .run(system);
    ThrottleControl control = mat.first();
    Thread.sleep(1500);
    assertThat(count.get()).isBetween(60L, 300L);
    double before = control.measuredRate();

    control.setRate(5000);
    long atRaise = count.get();
    Thread.sleep(1000);
    assertThat(count.get() - atRaise).isGreaterThan(2500);
    assertThat(control.measuredRate()).isGreaterThan(before * 5);
    control.setRate(0);
  }

  @Test
  void everyElementPassesOnceInOrderAcrossRateChanges() throws Exception {
    int n = 20_000;
    Pair<ThrottleControl, CompletionStage<List<Integer>>> mat = Source.range(0, n - 1).async()
        .viaMat(RateThrottle.flow(2000, "changes"), Keep.right())
        .toMat(Sink.seq(), Keep.both())
        .run(system);
    ThrottleControl control = mat.first();
    double[] rates = {20_000, 0, 500, 7_000, 0, 20_000};
    for (double rate : rates) {
      Thread.sleep(250);
      control.setRate(rate);
    }
    assertThat(await(mat.second())).isEqualTo(upTo(n));
    assertThat(control.passed()).isEqualTo(n);
  }

  @Test
  void holdsAHighRateWithoutATimerPerElement() throws Exception {
    long start = System.nanoTime();
    int n = await(Source.range(1, 40_000).async().via(RateThrottle.<Integer>flow(20_000, "fast"))
        .runWith(Sink.fold(0, (acc, i) -> acc + 1), system));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(n).isEqualTo(40_000);
    // 2 s at 20,000/s less the 0.1 s burst; far slower would mean timers per element.
    assertThat(seconds).isBetween(1.5, 8.0);
  }

  @Test
  void aRateSetBeforeMaterializationApplies() throws Exception {
    ThrottleControl control = ThrottleControl.create("early", 1000);
    control.setRate(50);
    List<Integer> got = await(naturals().via(RateThrottle.flow(control))
        .takeWithin(Duration.ofSeconds(1)).runWith(Sink.seq(), system));
    // ~5 burst + 50; at the initial 1000/s it would be ~1100.
    assertThat(got.size()).isBetween(20, 150);
  }

  @Test
  void aRateSetRightAfterRunWinsOverTheInitialOne() throws Exception {
    AtomicLong count = new AtomicLong();
    ThrottleControl control = naturals()
        .viaMat(RateThrottle.flow(0, "late"), Keep.right())
        .to(Sink.foreach(i -> count.incrementAndGet()))
        .run(system);
    control.setRate(300);
    assertThat(eventually(() -> count.get() > 100, Duration.ofSeconds(3))).isTrue();
    control.setRate(0);
  }

  @Test
  void completionAndFailurePassThrough() throws Exception {
    assertThat(await(Source.range(1, 5).via(RateThrottle.<Integer>flow(1000, "done")).runWith(Sink.seq(), system)))
        .containsExactly(1, 2, 3, 4, 5);

    IllegalStateException boom = new IllegalStateException("boom");
    CompletionStage<List<Integer>> failed = Source.range(1, 3).concat(Source.failed(boom))
        .via(RateThrottle.<Integer>flow(1000, "fail")).runWith(Sink.seq(), system);
    assertThat(failed.toCompletableFuture()).failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class).withCause(boom);
  }
}
