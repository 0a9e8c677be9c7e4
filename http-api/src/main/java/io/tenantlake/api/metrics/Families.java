package io.tenantlake.api.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.tenantlake.engine.metrics.DurationHistogram;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the metric families of one scrape from plain numbers: the collectors read the engine's
 * counters (no Prometheus types there) and hand them over here. A family with no data point is
 * left out of the scrape.
 */
final class Families {
  private final List<MetricSnapshot> out = new ArrayList<>();

  /** A counter family; {@code name} without {@code _total} (the writer adds it). */
  Counter counter(String name, String help) {
    return new Counter(CounterSnapshot.builder().name(name).help(help));
  }

  Gauge gauge(String name, String help) {
    return new Gauge(GaugeSnapshot.builder().name(name).help(help));
  }

  Histogram histogram(String name, String help) {
    return new Histogram(HistogramSnapshot.builder().name(name).help(help));
  }

  List<MetricSnapshot> snapshots() {
    return out;
  }

  /** A family being filled: left out of the scrape when no data point was added. */
  private abstract class Family {
    private boolean any;

    final void pointAdded() {
      any = true;
    }

    abstract MetricSnapshot build();

    final void add() {
      if (any) out.add(build());
    }
  }

  final class Counter extends Family {
    private final CounterSnapshot.Builder b;

    private Counter(CounterSnapshot.Builder b) {
      this.b = b;
    }

    Counter point(double value, String... labels) {
      b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
      pointAdded();
      return this;
    }

    @Override
    MetricSnapshot build() {
      return b.build();
    }
  }

  final class Gauge extends Family {
    private final GaugeSnapshot.Builder b;

    private Gauge(GaugeSnapshot.Builder b) {
      this.b = b;
    }

    Gauge point(double value, String... labels) {
      b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
      pointAdded();
      return this;
    }

    @Override
    MetricSnapshot build() {
      return b.build();
    }
  }

  final class Histogram extends Family {
    private final HistogramSnapshot.Builder b;

    private Histogram(HistogramSnapshot.Builder b) {
      this.b = b;
    }

    Histogram point(DurationHistogram.Snapshot s, String... labels) {
      double[] bounds = new double[s.bounds().length + 1];
      System.arraycopy(s.bounds(), 0, bounds, 0, s.bounds().length);
      bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
      b.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
          .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, s.counts()))
          .sum(s.sumSeconds())
          .labels(Labels.of(labels))
          .build());
      pointAdded();
      return this;
    }

    @Override
    MetricSnapshot build() {
      return b.build();
    }
  }
}
