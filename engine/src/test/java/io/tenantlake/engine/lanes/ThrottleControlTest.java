package io.tenantlake.engine.lanes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The control handle and the lane settings: validation, counters and the measured rate. */
class ThrottleControlTest {
  static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("throttle-control-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void rejectsRatesThatAreNotFiniteAndNonNegative() {
    ThrottleControl control = ThrottleControl.create("bad", 10);
    for (double bad : new double[] {-1, -0.001, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> control.setRate(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(String.valueOf(bad));
    }
    assertThat(control.rate()).isEqualTo(10);
    assertThatThrownBy(() -> RateThrottle.flow(-5, "bad")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-5");
    assertThatThrownBy(() -> ThrottleControl.create("bad", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theLatestRateWinsAndZeroIsAllowed() {
    ThrottleControl control = ThrottleControl.create("c", 10);
    control.setRate(0);
    control.setRate(2.5);
    assertThat(control.rate()).isEqualTo(2.5);
    assertThat(control.passed()).isZero();
    assertThat(control.measuredRate()).isZero();
  }

  @Test
  void measuredRateFollowsWhatActuallyPassed() throws Exception {
    Pair<ThrottleControl, CompletionStage<Done>> mat = Source.unfold(0, i -> Optional.of(Pair.create(i + 1, i)))
        .viaMat(RateThrottle.flow(1000, "measured"), Keep.right())
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
    ThrottleControl control = mat.first();
    Thread.sleep(3000);
    double measured = control.measuredRate();
    long passed = control.passed();
    control.setRate(0);
    assertThat(measured).isBetween(700.0, 1300.0);
    assertThat(passed).isBetween(2100L, 3900L);

    // Paused, it decays towards 0 as the window moves on.
    Thread.sleep(1500);
    assertThat(control.measuredRate()).isLessThan(measured);
    assertThat(control.passed()).isLessThanOrEqualTo(passed + 2);
  }

  @Test
  void measuredRateIsSafeToReadWhileAnotherThreadCounts() throws Exception {
    ThrottleControl control = ThrottleControl.create("threads", 1);
    control.attach(() -> { });
    Thread[] writers = new Thread[3];
    for (int t = 0; t < writers.length; t++) {
      writers[t] = new Thread(() -> {
        for (int i = 0; i < 100_000; i++) control.record();
      });
      writers[t].start();
    }
    for (int i = 0; i < 1000; i++) assertThat(control.measuredRate()).isFinite().isNotNegative();
    for (Thread w : writers) w.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(control.passed()).isEqualTo(300_000);
    assertThat(control.measuredRate()).isPositive();
  }

  @Test
  void laneSettingsComeFromConfigAndBoundTheRate() {
    LaneRateSettings s = LaneRateSettings.fromConfig(ConfigFactory.parseString("initial-rate = 250, max-rate = 5000"));
    assertThat(s).isEqualTo(new LaneRateSettings(250, 5000));
    assertThat(LaneRateSettings.fromConfig(ConfigFactory.empty())).isEqualTo(LaneRateSettings.defaults());
    assertThat(s.validate(0)).isZero();
    assertThat(s.validate(5000)).isEqualTo(5000);
    assertThatThrownBy(() -> s.validate(5000.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5000.5").hasMessageContaining("max-rate");
    assertThatThrownBy(() -> s.validate(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.validate(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LaneRateSettings(10, 5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial-rate");
    assertThatThrownBy(() -> new LaneRateSettings(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max-rate");
    assertThat(s.newControl("bootstrap").rate()).isEqualTo(250);
  }
}
