package io.tenantlake.api.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/** A collector that fills its families from the node's {@link MetricSources} at every scrape. */
abstract class SourcesCollector implements MultiCollector {
  protected final MetricSources sources;

  SourcesCollector(MetricSources sources) {
    this.sources = sources;
  }

  /** Adds this collector's families; a part the node does not run adds none. */
  abstract void collect(Families f);

  @Override
  public final MetricSnapshots collect() {
    Families f = new Families();
    collect(f);
    return new MetricSnapshots(f.snapshots());
  }
}
