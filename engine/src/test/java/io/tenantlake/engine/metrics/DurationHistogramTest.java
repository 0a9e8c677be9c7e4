package io.tenantlake.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {
  @Test
  void observationsLandInTheirBucketsBoundsInclusive() {
    DurationHistogram h = new DurationHistogram(new double[] {0.01, 0.1, 1});
    h.observeMillis(0);     // <= 0.01
    h.observeMillis(10);    // exactly 0.01: upper bounds are inclusive
    h.observeMillis(11);    // <= 0.1
    h.observeMillis(1000);  // exactly 1
    h.observeMillis(5000);  // +Inf
    h.observeMillis(-3);    // clocks apart: counts as 0
    DurationHistogram.Snapshot s = h.snapshot();
    assertThat(s.counts()).containsExactly(3, 1, 1, 1);
    assertThat(s.count()).isEqualTo(6);
    assertThat(s.sumSeconds()).isEqualTo(6.021);
    assertThat(s.bounds()).containsExactly(0.01, 0.1, 1);
  }

  @Test
  void concurrentObservationsAreAllCounted() throws Exception {
    DurationHistogram h = new DurationHistogram(DurationHistogram.COMMIT_SECONDS);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) h.observeMillis(i);
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) t.join();
    DurationHistogram.Snapshot s = h.snapshot();
    assertThat(s.count()).isEqualTo(40_000);
    assertThat(java.util.Arrays.stream(s.counts()).sum()).isEqualTo(40_000);
    assertThat(s.sumSeconds()).isEqualTo(4 * (9_999L * 10_000 / 2) / 1000.0);
  }

  @Test
  void boundsMustRise() {
    assertThatThrownBy(() -> new DurationHistogram(new double[] {1, 1})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DurationHistogram(new double[] {0})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DurationHistogram(new double[] {})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DurationHistogram(new double[] {1, Double.POSITIVE_INFINITY}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
