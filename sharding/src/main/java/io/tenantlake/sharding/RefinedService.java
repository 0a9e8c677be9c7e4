package io.tenantlake.sharding;

import com.typesafe.config.Config;
import io.tenantlake.engine.DaemonThreads;
import io.tenantlake.engine.config.EngineSettings;
import io.tenantlake.engine.model.ModelRunner;
import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import io.tenantlake.engine.refined.MergePolicy;
import io.tenantlake.proto.EntityTypeRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the refined pipeline together on a node: starts tenant sharding, checks the models, and hands back how to open the pipeline (on the node
 * that is the cluster's writer) and the tables to read. The model runner and the pools close with
 * the node.
 */
public final class RefinedService {
  private static final Logger log = LoggerFactory.getLogger(RefinedService.class);

  private RefinedService() {}

  public static RefinedNode start(ActorSystem<?> system, Config config,
      EngineSettings settings, EntityTypeRegistry registry) {
    TenantSharding sharding = TenantSharding.init(system);
    ModelRunner models = ModelRunner.fromConfig(config, registry);
    MergePolicy policy = MergePolicy.fromConfig(config.getConfig("tenantlake.refined.merge"));
    io.tenantlake.engine.refined.MergeCommitPolicy commitPolicy =
        io.tenantlake.engine.refined.MergeCommitPolicy.fromConfig(config.getConfig("tenantlake.refined.commit"));
    ExecutorService cycle = Executors.newSingleThreadExecutor(DaemonThreads.named("refined-cycle"));
    ExecutorService merges = Executors.newFixedThreadPool(Math.max(1, models.schemas().size()), DaemonThreads.named("refined-merge"));
    ExecutorService partitions = Executors.newFixedThreadPool(policy.writeParallelism(), DaemonThreads.named("refined-partition"));
    io.tenantlake.engine.delta.FileRowCache rowCache =
        new io.tenantlake.engine.delta.FileRowCache(config.getBytes("tenantlake.refined.row-cache-size"));
    org.apache.pekko.stream.Materializer materializer = org.apache.pekko.stream.Materializer.matFromSystem(system);
    // The writers are opened each time this node becomes the cluster's writer: another node may
    // have committed since (their txn versions and watermarks are read from the tables then).
    // One per node: counts go on across the pipelines this node opens as it becomes the writer again.
    io.tenantlake.engine.metrics.RefinedMetrics metrics = new io.tenantlake.engine.metrics.RefinedMetrics();
    java.util.function.Supplier<Flow<CycleResult, CycleResult, NotUsed>> openPipeline = () -> {
      RefinedPipeline pipeline = RefinedPipeline.open(sharding, models, settings.storage(), policy, cycle, merges,
          partitions, rowCache, metrics);
      // Before the live lane: what a crash left in raw but not in the refined tables.
      pipeline.recover(settings.storage(), materializer);
      return pipeline.flow(commitPolicy);
    };
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-refined", () -> {
      cycle.shutdown();
      merges.shutdown();
      partitions.shutdown();
      models.close();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    log.info("refined pipeline ready: {} models, merge {}, commit {}", models.schemas().size(), policy, commitPolicy);
    java.util.Map<String, java.util.List<String>> byType = new java.util.LinkedHashMap<>();
    for (String type : models.catalog().entityTypes()) {
      byType.put(type, models.catalog().forEntityType(type).stream().map(d -> d.name()).toList());
    }
    java.util.Map<String, io.tenantlake.engine.delta.DeltaTable> tables = new java.util.LinkedHashMap<>();
    models.schemas().forEach((name, schema) -> tables.put(name,
        io.tenantlake.engine.delta.DeltaTable.at(settings.storage(), io.tenantlake.engine.refined.RefinedTables.tableName(schema))));
    return new RefinedNode(openPipeline, sharding, tables, byType, settings.storage(), metrics);
  }

}
