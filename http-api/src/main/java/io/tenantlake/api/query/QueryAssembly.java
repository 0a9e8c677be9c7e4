package io.tenantlake.api.query;

import com.typesafe.config.Config;
import io.tenantlake.api.TenantTokens;
import io.tenantlake.engine.DaemonThreads;
import io.tenantlake.engine.config.EngineSettings;
import io.tenantlake.engine.query.DataSourceStore;
import io.tenantlake.engine.query.DataSources;
import io.tenantlake.engine.query.EnhancedViews;
import io.tenantlake.engine.query.ParquetFileCache;
import io.tenantlake.engine.query.QuerySettings;
import io.tenantlake.engine.query.TenantQueryEngine;
import io.tenantlake.engine.query.TenantSnapshotViews;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the query route of a node from its configuration (when {@code tenantlake.query.enabled}). */
public final class QueryAssembly {
  private static final Logger log = LoggerFactory.getLogger(QueryAssembly.class);

  private QueryAssembly() {}

  /** The query route and the data source routes. */
  public static Route route(ActorSystem<?> system, Config config, EngineSettings engine, S3AsyncClient s3,
      List<String> models) {
    QuerySettings settings = QuerySettings.fromConfig(config);
    ParquetFileCache cache = new ParquetFileCache(settings.cacheDir(), settings.cacheMaxBytes(), engine.storageRoot(), s3);
    EnhancedViews enhanced = EnhancedViews.fromConfig(config, models);
    TenantSnapshotViews views = new TenantSnapshotViews(engine.storage(), models);
    DataSources sources = new DataSources(new DataSourceStore(engine.storage()), views, enhanced.names());
    TenantQueryEngine queries = new TenantQueryEngine(settings, views, cache, enhanced, sources);
    // As many threads as queries may run on the node: a query past that is refused (429), not queued.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.maxConcurrentPerNode(), settings.maxConcurrentPerNode(),
        60, TimeUnit.SECONDS, new SynchronousQueue<>(), DaemonThreads.named("query"));
    pool.allowCoreThreadTimeOut(true);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "stop-queries", () -> {
      pool.shutdownNow();
      queries.close();
      if (QuerySettings.isPerProcess(config)) cache.deleteAll();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
    log.info("query: POST /v1/tenants/{tenant}/query over {}, enhanced views {} (timeout {}, memory {} bytes, {} rows, {} per tenant, "
        + "{} per node, cache {} of {} bytes)", models, enhanced.names(), settings.timeout(), settings.memoryLimitBytes(), settings.maxRows(),
        settings.maxConcurrentPerTenant(), settings.maxConcurrentPerNode(), settings.cacheDir(), settings.cacheMaxBytes());
    TenantTokens tokens = TenantTokens.fromConfig(config.getConfig("tenantlake.auth"));
    Materializer mat = Materializer.matFromSystem(system);
    return org.apache.pekko.http.javadsl.server.Directives.concat(new QueryRoutes(tokens,
        ScopedTokens.fromConfig(config.getConfig("tenantlake.auth")), queries, pool, mat).route(),
        new DataSourceRoutes(tokens, sources, pool, mat).route());
  }
}
