package io.tenantlake.api.metrics;

import io.tenantlake.engine.ingest.IngestMetrics;
import io.tenantlake.engine.intake.IntakeMetrics;
import io.tenantlake.engine.lanes.BackfillLanes;
import io.tenantlake.engine.metrics.RefinedMetrics;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the node's figures live, filled in by {@code NodeAssembly} as it starts the roles and read
 * by the collectors at every scrape. Suppliers, not objects: the lanes run in the cluster's writer
 * singleton and start, stop and move between nodes, each time with fresh counters; reading
 * {@code writer.local()} at scrape time exports the lanes that run now, and registers nothing twice.
 * A part the node does not run stays empty, and its series are not exported.
 */
public final class MetricSources {
  private volatile Supplier<Optional<IngestMetrics>> ingest = Optional::empty;
  private volatile IntakeMetrics intake;
  private volatile BackfillLanes backfill;
  private volatile RefinedMetrics refined;

  /** The running lanes' counters, when this node is the writer. */
  public MetricSources ingest(Supplier<Optional<IngestMetrics>> lanes) {
    this.ingest = lanes;
    return this;
  }

  public MetricSources intake(IntakeMetrics metrics) {
    this.intake = metrics;
    return this;
  }

  public MetricSources backfill(BackfillLanes lanes) {
    this.backfill = lanes;
    return this;
  }

  public MetricSources refined(RefinedMetrics metrics) {
    this.refined = metrics;
    return this;
  }

  Optional<IngestMetrics> ingest() {
    return ingest.get();
  }

  Optional<IntakeMetrics> intake() {
    return Optional.ofNullable(intake);
  }

  Optional<BackfillLanes> backfill() {
    return Optional.ofNullable(backfill);
  }

  Optional<RefinedMetrics> refined() {
    return Optional.ofNullable(refined);
  }
}
