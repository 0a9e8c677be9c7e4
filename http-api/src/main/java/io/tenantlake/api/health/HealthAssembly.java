package io.tenantlake.api.health;

import io.tenantlake.engine.DaemonThreads;
import io.tenantlake.engine.aws.AwsClients;
import io.tenantlake.engine.config.EngineSettings;
import io.tenantlake.sharding.IngestWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Adds the readiness checks a node's roles need: S3 and Kinesis reachable (probed in the
 * background), and for the ingest role cluster membership and, on the writer, its lanes.
 */
public final class HealthAssembly {
  private final ActorSystem<?> system;
  private final Readiness readiness;
  private final HealthSettings settings;
  private final ScheduledExecutorService probes;

  public HealthAssembly(ActorSystem<?> system, Readiness readiness, HealthSettings settings) {
    this.system = system;
    this.readiness = readiness;
    this.settings = settings;
    this.probes = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("readiness-probe"));
    // service-stop: before the AWS clients close, so no probe fails on a closed client
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "stop-readiness-probes", () -> {
      probes.shutdownNow();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  /** Kinesis (any call that needs the endpoint and credentials) and the S3 buckets the node uses. */
  public void dependencies(AwsClients aws, EngineSettings engine, boolean ingest) {
    probe("kinesis", () -> aws.kinesis().listStreams(b -> b.limit(1)));
    String claims = engine.claimCheck().bucket();
    probe("claim-check-bucket", () -> aws.s3().headBucket(b -> b.bucket(claims)));
    if (ingest && "s3a".equals(engine.storageRoot().getScheme())) {
      String lake = engine.storageRoot().getHost();
      probe("storage", () -> aws.s3().headBucket(b -> b.bucket(lake)));
    }
  }

  /** The ingest role: the node is an Up member, and if it is the writer, its lanes run. */
  public void ingest(IngestWriter.Status writer) {
    readiness.check("cluster", () -> {
      var status = Cluster.get(system).selfMember().status();
      return status == MemberStatus.up() ? Optional.empty()
          : Optional.of("cluster member status is " + status + ", not Up");
    });
    readiness.check("lanes", () -> {
      boolean writerHere = writer.writerNode().map(n -> n.equals(writer.self())).orElse(false);
      return writerHere && !writer.isLocal()
          ? Optional.of("this node is the cluster's writer and its lanes are not running (yet)") : Optional.empty();
    });
  }

  private void probe(String name, java.util.function.Supplier<CompletableFuture<?>> call) {
    ReachabilityProbe probe = new ReachabilityProbe(name, call, settings.probeInterval(), settings.probeTimeout(),
        Clock.systemUTC()).start(probes);
    readiness.check(name, probe::problem);
  }
}
