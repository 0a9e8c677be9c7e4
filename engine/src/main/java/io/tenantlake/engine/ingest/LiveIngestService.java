package io.tenantlake.engine.ingest;

import io.tenantlake.engine.DaemonThreads;
import io.tenantlake.engine.aws.AwsClients;
import io.tenantlake.engine.claimcheck.ClaimCheckStore;
import io.tenantlake.engine.config.EngineSettings;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.dedup.RawDeduplicator;
import io.tenantlake.engine.raw.CheckpointTable;
import io.tenantlake.engine.raw.RawTableWriter;
import io.tenantlake.engine.raw.RecordDecoder;
import io.tenantlake.proto.EntityTypeRegistry;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
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
  private final List<ExecutorService> executors;

  private LiveIngestService(UniqueKillSwitch killSwitch, CompletionStage<Done> done, IngestMetrics metrics,
      IngestProgressLog progress, List<ExecutorService> executors) {
    this.killSwitch = killSwitch;
    this.done = done;
    this.metrics = metrics;
    this.progress = progress;
    this.executors = executors;
  }

  public static LiveIngestService start(ActorSystem system, EngineSettings settings, AwsClients aws,
      EntityTypeRegistry registry) {
    return start(system, settings, aws, registry, Flow.create());
  }

  /**
   * @param afterCommit what follows each raw commit (the refined pipeline); it runs inside the
   *     lane, so a failure there restarts the lane from the raw checkpoints as well
   */
  public static LiveIngestService start(ActorSystem system, EngineSettings settings, AwsClients aws,
      EntityTypeRegistry registry, Flow<RawTableWriter.CycleResult, RawTableWriter.CycleResult, NotUsed> afterCommit) {
    return start(system, settings, aws, registry, afterCommit, Backfill.none());
  }

  /**
   * @param backfill the throttled lanes merged into the live one (same writer, same commits); each
   *     restart of the pipeline resumes them from the checkpoint, and they hear of every commit
   */
  public static LiveIngestService start(ActorSystem system, EngineSettings settings, AwsClients aws,
      EntityTypeRegistry registry, Flow<RawTableWriter.CycleResult, RawTableWriter.CycleResult, NotUsed> afterCommit,
      Backfill backfill) {
    return startOpening(system, settings, aws, registry, () -> afterCommit, backfill);
  }

  /**
   * @param openAfterCommit opens what follows each raw commit (the refined pipeline); called, on
   *     a blocking thread, each time the lane (re)starts and before it reads: a restarted lane
   *     resumes after the raw checkpoint, so what the last one committed to raw but did not pass
   *     on must be recovered there (the refined pipeline re-applies raw past its watermarks)
   */
  public static LiveIngestService startOpening(ActorSystem system, EngineSettings settings, AwsClients aws,
      EntityTypeRegistry registry,
      java.util.function.Supplier<Flow<RawTableWriter.CycleResult, RawTableWriter.CycleResult, NotUsed>> openAfterCommit,
      Backfill backfill) {
    IngestSettings ingest = settings.ingest();
    List<String> streams = ingest.streams().isEmpty() ? new ArrayList<>(registry.streams()) : ingest.streams();
    if (ingest.createStreamsWithShards() > 0) createMissingStreams(aws, streams, ingest.createStreamsWithShards());
    // One thread runs commit cycles one at a time; a few more write the tables of a cycle at once.
    ExecutorService cycles = Executors.newSingleThreadExecutor(DaemonThreads.named("raw-cycle"));
    ExecutorService tableWriters = Executors.newFixedThreadPool(4, DaemonThreads.named("raw-table-writer"));
    // Raw tables are partitioned by tenant: a batch writes a file per tenant touched, uploaded at once.
    ExecutorService fileWriters = Executors.newFixedThreadPool(ingest.fileWriteParallelism(), DaemonThreads.named("raw-file-writer"));
    ClaimCheckStore claims = new ClaimCheckStore(aws.s3(), settings.claimCheck().bucket(), settings.claimCheck().prefix(),
        settings.claimCheck().maxSize());
    RecordDecoder decoder = new RecordDecoder(new EventValidator(registry), claims, settings.claimCheck().maxSize());
    IngestMetrics metrics = new IngestMetrics();
    log.info("live ingest: reading streams {} into {} (region {})", streams, settings.storageRoot(), settings.region());
    // A failure anywhere (S3 down, a conflicting commit) restarts the lane with backoff from the
    // committed checkpoints, with a writer that reloads its positions from the tables.
    Source<RawTableWriter.CycleResult, NotUsed> lane = RestartSource.onFailuresWithBackoff(
        RestartSettings.create(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2), () ->
            Source.completionStageSource(CompletableFuture.supplyAsync(() -> {
              // A new writer trusts only what raw holds: its dedup filters are rebuilt from the tables.
              RawTableWriter writer = new RawTableWriter(settings.storage(), ingest.commit(), CheckpointTable.name("live"),
                  tableWriters, fileWriters, new RawDeduplicator(ingest.dedup(), java.time.Clock.systemUTC()));
              long prepareStarted = System.nanoTime();
              writer.prepare(registry.names());
              log.info("live ingest: opened {} raw tables, deadletter and checkpoints in {} ms", registry.names().size(),
                  (System.nanoTime() - prepareStarted) / 1_000_000);
              Flow<RawTableWriter.CycleResult, RawTableWriter.CycleResult, NotUsed> afterCommit = openAfterCommit.get();
              backfill.resumeFrom(writer.checkpoint());
              return RawIngest.lanes(aws.kinesis(), streams, ingest.source(), backfill.source(), decoder, writer,
                      ingest.commit(), ingest.decodeParallelism(), cycles, metrics)
                  // Raw commits go on while what follows runs (it gathers them as it sees fit).
                  .via(afterCommit.addAttributes(Attributes.inputBuffer(1, 1)))
                  .map(cycle -> {
                    backfill.committed(cycle);
                    return cycle;
                  });
            }, cycles)).mapMaterializedValue(m -> NotUsed.getInstance()));
    Pair<UniqueKillSwitch, CompletionStage<Done>> run = lane
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.both())
        .run(system);
    run.second().whenComplete((d, err) -> {
      if (err != null) log.error("live ingest stopped with an error: {}", err.toString(), err);
      else log.info("live ingest stopped");
    });
    IngestProgressLog progress = new IngestProgressLog(metrics, ingest.progressInterval());
    LiveIngestService service = new LiveIngestService(run.first(), run.second(), metrics, progress,
        List.of(cycles, tableWriters, fileWriters));
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
      executors.forEach(ExecutorService::shutdown);
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
