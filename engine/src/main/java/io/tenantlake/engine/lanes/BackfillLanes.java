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

  private final InFlightSettings inFlight;
  // Until the live lane has been seen quiet for a while, it is assumed busy: a backfill starts small.
  private volatile long lastLiveNanos = System.nanoTime();

  public BackfillLanes(BackfillLane bootstrap, BackfillLane imports, BootstrapJobs jobs, InFlightSettings inFlight) {
    this.inFlight = inFlight;
    this.bootstrap = bootstrap;
    this.imports = imports;
    this.jobs = jobs;
    bootstrap.onHub(jobs::attach);
    bootstrap.admitOnly(jobs::admits);
  }

  public BootstrapJobs jobs() {
    return jobs;
  }

  public Optional<BackfillLane> lane(String name) {
    if (Lane.BOOTSTRAP.label().equals(name)) return Optional.of(bootstrap);
    if (Lane.IMPORT.label().equals(name)) return Optional.of(imports);
    return Optional.empty();
  }

  private Map<String, Positions.Position> resumeFrom = Map.of();

  @Override
  public void resumeFrom(Map<String, Positions.Position> checkpoint) {
    resumeFrom = checkpoint;
    jobs.resumeFrom(checkpoint);
  }

  @Override
  public Source<SourceRecord, NotUsed> source() {
    return bootstrap.source(resumeFrom).merge(imports.source(resumeFrom));
  }

  @Override
  public void committed(CycleResult cycle) {
    long now = System.nanoTime();
    if (hasLive(cycle)) lastLiveNanos = now;
    boolean quiet = now - lastLiveNanos > inFlight.liveQuietAfter().toNanos();
    bootstrap.committed(cycle.checkpoint(), quiet);
    imports.committed(cycle.checkpoint(), quiet);
    jobs.committed(cycle);
  }

  /** Whether the cycle moved a partition of the live lane (a stream's shard, not a lane's job). */
  private static boolean hasLive(CycleResult cycle) {
    for (String key : cycle.positions().keySet()) {
      if (!key.startsWith(Lane.BOOTSTRAP.label() + "/") && !key.startsWith(Lane.IMPORT.label() + "/")) return true;
    }
    return false;
  }
}
