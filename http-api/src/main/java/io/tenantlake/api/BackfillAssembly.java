package io.tenantlake.api;

import com.typesafe.config.Config;
import io.tenantlake.engine.aws.AwsClients;
import io.tenantlake.engine.bootstrap.BootstrapJobStore;
import io.tenantlake.engine.bootstrap.BootstrapJobs;
import io.tenantlake.engine.bootstrap.S3SnapshotReads;
import io.tenantlake.engine.bootstrap.SnapshotReadSettings;
import io.tenantlake.engine.config.EngineSettings;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.lanes.BackfillLane;
import io.tenantlake.engine.lanes.BackfillLanes;
import io.tenantlake.engine.lanes.InFlightSettings;
import io.tenantlake.engine.lanes.LaneRateSettings;
import io.tenantlake.proto.EntityTypeRegistry;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Materializer;

/** Builds an ingest node's backfill lanes (bootstrap and import) and its bootstrap jobs from configuration. */
final class BackfillAssembly {
  private BackfillAssembly() {}

  static BackfillLanes lanes(ActorSystem<?> system, Config config, EngineSettings settings, AwsClients aws,
      EntityTypeRegistry registry, Executor blockingIo) {
    Config lanes = config.getConfig("tenantlake.lanes");
    InFlightSettings inFlight = InFlightSettings.fromConfig(lanes.getConfig("in-flight"));
    BackfillLane bootstrap = new BackfillLane(Lane.BOOTSTRAP, LaneRateSettings.fromConfig(lanes.getConfig("bootstrap")), inFlight);
    BackfillLane imports = new BackfillLane(Lane.IMPORT, LaneRateSettings.fromConfig(lanes.getConfig("import")), inFlight);
    SnapshotReadSettings read = SnapshotReadSettings.fromConfig(config.getConfig("tenantlake.bootstrap"));
    BootstrapJobs jobs = new BootstrapJobs(new BootstrapJobStore(settings.storage()),
        new S3SnapshotReads(aws, settings.aws(), read, system, new io.tenantlake.proto.EventJson(registry)), registry, Materializer.matFromSystem(system), blockingIo);
    return new BackfillLanes(bootstrap, imports, jobs, inFlight);
  }
}
