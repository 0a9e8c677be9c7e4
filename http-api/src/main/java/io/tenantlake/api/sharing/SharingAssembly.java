package io.tenantlake.api.sharing;

import com.typesafe.config.Config;
import io.tenantlake.api.BearerTokens;
import io.tenantlake.engine.config.EngineSettings;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.sharing.FileUrls;
import io.tenantlake.engine.sharing.ShareReader;
import io.tenantlake.engine.sharing.ShareRegistry;
import io.tenantlake.engine.sharing.ShareStore;
import io.tenantlake.engine.sharing.SharingSettings;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the sharing routes of a node from its configuration (when {@code tenantlake.sharing.enabled}). */
public final class SharingAssembly {
  private static final Logger log = LoggerFactory.getLogger(SharingAssembly.class);

  private SharingAssembly() {}

  /**
   * The share admin routes and the protocol's routes; none when the storage root is not on S3
   * (files are handed out as pre-signed S3 URLs), which is logged.
   */
  public static List<Route> routes(ActorSystem<?> system, Config config, EngineSettings engine, BearerTokens admins,
      List<String> models, Executor blockingIo) {
    SharingSettings settings = SharingSettings.fromConfig(config);
    if (!"s3a".equals(engine.storageRoot().getScheme())) {
      log.info("sharing: off, the storage root {} is not on S3 (shares hand out pre-signed S3 URLs)", engine.storageRoot());
      return List.of();
    }
    DeltaStorage storage = engine.storage();
    FileUrls urls = new FileUrls(engine.aws(), engine.storageRoot(), settings.urlExpiry());
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-sharing-presigner",
        () -> {
          urls.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    ShareRegistry registry = new ShareRegistry(new ShareStore(storage, settings.cacheTtl(), System::currentTimeMillis),
        storage, settings, models, System::currentTimeMillis);
    Materializer mat = Materializer.matFromSystem(system);
    log.info("sharing: /delta-sharing over the tenants' partitions of refined {} and enhanced {}; URLs work {}, "
        + "rotated tokens {} more", models, settings.enhancedTables(), settings.urlExpiry(), settings.rotationGrace());
    return List.of(new ShareAdminRoutes(admins, registry, settings, blockingIo, mat).route(),
        new DeltaSharingRoutes(registry, new ShareReader(registry, urls), settings, blockingIo, mat).route());
  }
}
