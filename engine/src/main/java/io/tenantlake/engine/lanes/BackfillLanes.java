package io.tenantlake.engine.lanes;

import io.tenantlake.engine.bootstrap.BootstrapJobs;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.SourceRecord;
import io.tenantlake.engine.ingest.Backfill;
import io.tenantlake.engine.raw.Positions;
import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The bootstrap and import lanes of an ingest node, each behind its own throttle, merged into one
 * source for the pipeline (which gives the live lane priority over it). Bootstrap jobs attach to
 * the bootstrap lane's hub; the import lane's hub takes the replays that migrations enqueue.
 */
public final class BackfillLanes implements Backfill {
  private final BackfillLane bootstrap;
  private final BackfillLane imports;
  private final BootstrapJobs jobs;

  public BackfillLanes(BackfillLane bootstrap, BackfillLane imports, BootstrapJobs jobs) {
    this.bootstrap = bootstrap;
    this.imports = imports;
    this.jobs = jobs;
    bootstrap.onHub(jobs::attach);
  }

  public BootstrapJobs jobs() {
    return jobs;
  }

  public Optional<BackfillLane> lane(String name) {
    if (Lane.BOOTSTRAP.label().equals(name)) return Optional.of(bootstrap);
    if (Lane.IMPORT.label().equals(name)) return Optional.of(imports);
    return Optional.empty();
  }

  @Override
  public void resumeFrom(Map<String, Positions.Position> checkpoint) {
    jobs.resumeFrom(checkpoint);
  }

  @Override
  public Source<SourceRecord, NotUsed> source() {
    return bootstrap.source().merge(imports.source());
  }

  @Override
  public void committed(CycleResult cycle) {
    jobs.committed(cycle);
  }
}
