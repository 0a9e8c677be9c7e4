package io.tenantlake.engine.ingest;

import io.tenantlake.engine.aws.AwsClients;
import io.tenantlake.engine.claimcheck.ClaimCheckStore;
import io.tenantlake.engine.config.EngineSettings;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.raw.CheckpointTable;
import io.tenantlake.engine.raw.RawTableWriter;
import io.tenantlake.engine.raw.RecordDecoder;
import io.tenantlake.proto.EntityTypeRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;

/**
 * Runs the live lane on a node: reads every configured stream, commits raw tables, logs progress,
 * and stops cleanly on shutdown (the kill switch stops reading; the commit in flight finishes).
 */
public final class LiveIngestService {
  private static final Logger log = LoggerFactory.getLogger(LiveIngestService.class);

  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Done> done;
  private final IngestMetrics metrics;
  private final IngestProgressLog progress;
  private final ExecutorService blockingIo;

  private LiveIngestService(UniqueKillSwitch killSwitch, CompletionStage<Done> done, IngestMetrics metrics,
      IngestProgressLog progress, ExecutorService blockingIo) {
    this.killSwitch = killSwitch;
    this.done = done;
    this.metrics = metrics;
    this.progress = progress;
    this.blockingIo = blockingIo;
  }

  public static LiveIngestService start(ActorSystem system, EngineSettings settings, AwsClients aws,
      EntityTypeRegistry registry) {
    IngestSettings ingest = settings.ingest();
    List<String> streams = ingest.streams().isEmpty() ? new ArrayList<>(registry.streams()) : ingest.streams();
    if (ingest.createStreamsWithShards() > 0) createMissingStreams(aws, streams, ingest.createStreamsWithShards());
    ExecutorService blockingIo = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "raw-commit");
      t.setDaemon(true);
      return t;
    });
    ClaimCheckStore claims = new ClaimCheckStore(aws.s3(), settings.claimCheck().bucket(), settings.claimCheck().prefix(),
        settings.claimCheck().maxSize());
    RecordDecoder decoder = new RecordDecoder(new EventValidator(registry), claims, settings.claimCheck().maxSize());
    RawTableWriter writer = new RawTableWriter(settings.storage(), ingest.commit(), CheckpointTable.name("live"));
    IngestMetrics metrics = new IngestMetrics();
    log.info("live ingest: reading streams {} into {} (region {})", streams, settings.storageRoot(), settings.region());
    Pair<UniqueKillSwitch, CompletionStage<Done>> run = RawIngest
        .live(aws.kinesis(), streams, ingest.source(), decoder, writer, ingest.commit(), ingest.decodeParallelism(),
            blockingIo, metrics)
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
    run.second().whenComplete((d, err) -> {
      if (err != null) log.error("live ingest stopped with an error: {}", err.toString(), err);
      else log.info("live ingest stopped");
    });
    IngestProgressLog progress = new IngestProgressLog(metrics, ingest.progressInterval());
    LiveIngestService service = new LiveIngestService(run.first(), run.second(), metrics, progress, blockingIo);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceStop(), "stop-live-ingest", service::stop);
    return service;
  }

  public IngestMetrics metrics() {
    return metrics;
  }

  /** Stops reading and waits for the commit in flight; what was not committed is read again at the next start. */
  public CompletionStage<Done> stop() {
    killSwitch.shutdown();
    return done.whenComplete((d, e) -> {
      progress.close();
      blockingIo.shutdown();
    }).exceptionally(e -> Done.getInstance());
  }

  private static void createMissingStreams(AwsClients aws, List<String> streams, int shards) {
    for (String stream : streams) {
      try {
        aws.kinesis().createStream(b -> b.streamName(stream).shardCount(shards)).join();
        log.info("created stream {} with {} shards", stream, shards);
      } catch (java.util.concurrent.CompletionException e) {
        if (!(e.getCause() instanceof ResourceInUseException)) throw e;
      }
      aws.kinesis().waiter().waitUntilStreamExists(b -> b.streamName(stream)).join();
    }
  }
}
