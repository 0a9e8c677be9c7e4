package io.tenantlake.api;

import com.typesafe.config.Config;
import io.tenantlake.api.health.HealthAssembly;
import io.tenantlake.api.health.HealthSettings;
import io.tenantlake.api.health.Readiness;
import io.tenantlake.api.metrics.MetricSources;
import io.tenantlake.api.metrics.MetricsAssembly;
import io.tenantlake.engine.aws.AwsClients;
import io.tenantlake.engine.claimcheck.ClaimCheckStore;
import io.tenantlake.engine.config.EngineSettings;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.api.maintenance.AdminMaintenanceRoutes;
import io.tenantlake.engine.lanes.BackfillLanes;
import io.tenantlake.engine.maintenance.MaintenanceService;
import io.tenantlake.engine.maintenance.MaintenanceSettings;
import io.tenantlake.engine.raw.CheckpointTable;
import io.tenantlake.engine.raw.RawTables;
import io.tenantlake.sharding.IngestWriter;
import io.tenantlake.sharding.LaneRates;
import java.util.Map;
import org.apache.pekko.stream.javadsl.Flow;
import io.tenantlake.engine.ingest.LiveIngestService;
import io.tenantlake.engine.intake.EventIntake;
import io.tenantlake.engine.intake.IntakeMetrics;
import io.tenantlake.engine.intake.KinesisPublisher;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.EventJson;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a node together from its configuration: the roles it plays ({@code tenantlake.roles}),
 * the engine settings and AWS clients they share (built once, closed by CoordinatedShutdown in
 * before-actor-system-terminate, after everything that uses them has stopped), and the HTTP routes.
 *
 * <ul>
 *   <li>{@code intake}: serves {@code POST /v1/events} ({@link IntakeRoutes}).
 *   <li>{@code ingest}: runs the live lane, Kinesis to raw tables ({@link LiveIngestService}), when
 *       {@code tenantlake.ingest.enabled}, with the throttled bootstrap and import lanes merged in
 *       (their rates and bootstrap jobs on the admin API); it stops itself in service-stop.
 * </ul>
 * Health routes are always served, and {@code GET /metrics} unless {@code tenantlake.metrics.enabled} is off.
 */
final class NodeAssembly {
  private static final Logger log = LoggerFactory.getLogger(NodeAssembly.class);
  static final String INTAKE = "intake";
  static final String INGEST = "ingest";
  static final Set<String> KNOWN_ROLES = Set.of(INTAKE, INGEST);

  private NodeAssembly() {}

  /** The lanes as the cluster's writer runs them on this node, with the table maintenance beside them. */
  record RunningLanes(LiveIngestService ingest, MaintenanceService maintenance) implements IngestWriter.Lanes {
    @Override
    public java.util.concurrent.CompletionStage<Done> stop() {
      // Both end before the next writer starts: maintenance commits to the same tables.
      return ingest.stop().thenCombine(maintenance.stop(), (done, m) -> done);
    }
  }

  /** Table care over every raw, refined, deadletter and lane checkpoint table (on the writer node). */
  private static MaintenanceService maintenanceService(MaintenanceSettings maintenance, EngineSettings settings,
      EntityTypeRegistry registry, List<String> models) {
    List<String> raw = registry.names().stream().sorted().map(RawTables::rawTableName).toList();
    List<String> refined = models.stream().map(m -> "refined/" + m).toList();
    List<String> other = new ArrayList<>(List.of(RawTables.DEADLETTER));
    for (Lane lane : Lane.values()) other.add(CheckpointTable.name(lane.label()));
    return new MaintenanceService(maintenance, settings.storage(), raw, refined, other, java.time.Clock.systemUTC());
  }

  /** A single node forms its own cluster when told to; others join through seed nodes. */
  private static void joinSelfIfConfigured(ActorSystem<?> system, Config config) {
    if (config.getBoolean("tenantlake.cluster.join-self")) {
      var cluster = org.apache.pekko.cluster.typed.Cluster.get(system);
      cluster.manager().tell(org.apache.pekko.cluster.typed.Join.create(cluster.selfMember().address()));
    }
  }

  /** The configured roles, checked: an unknown (say, misspelt) role stops the node. */
  static Set<String> roles(Config config) {
    Set<String> roles = new LinkedHashSet<>();
    for (String role : config.getStringList("tenantlake.roles")) {
      String r = role.strip().toLowerCase(java.util.Locale.ROOT);
      if (!KNOWN_ROLES.contains(r)) {
        throw new IllegalArgumentException("tenantlake.roles: unknown role \"" + role + "\" (known: intake, ingest)");
      }
      roles.add(r);
    }
    return roles;
  }

  /**
   * Starts what the roles need and returns the node's routes. On failure, whatever was started
   * is left to CoordinatedShutdown (the caller terminates the system).
   */
  static Route assemble(ActorSystem<Void> system, Config config, BooleanSupplier ready) {
    Set<String> roles = roles(config);
    List<Route> routes = new ArrayList<>();
    Readiness readiness = new Readiness().check("serving", () -> ready.getAsBoolean() ? java.util.Optional.empty()
        : java.util.Optional.of("starting or shutting down"));
    routes.add(new HealthRoutes(readiness).route());
    // Filled in below as the roles start; read at every scrape.
    MetricSources metricSources = new MetricSources();
    BearerTokens admins = BearerTokens.fromConfig(config.getConfig("tenantlake.auth"), "admin");
    MetricsAssembly.route(config, metricSources, admins).ifPresent(routes::add);
    if (roles.isEmpty()) {
      log.info("tenantlake node '{}': no roles, health and metrics routes only", system.name());
      return routes.size() == 1 ? routes.get(0) : Directives.concat(routes.get(0), routes.get(1));
    }
    EngineSettings settings = EngineSettings.fromConfig(config);
    // Read and check the intake's settings before anything starts: a bad value stops the node clean.
    IntakeSettings intakeSettings = roles.contains(INTAKE) ? IntakeSettings.fromConfig(config) : null;
    BearerTokens producers = roles.contains(INTAKE)
        ? BearerTokens.fromConfig(config.getConfig("tenantlake.auth"), "producer") : null;
    AwsClients aws = new AwsClients(settings.aws());
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-aws-clients",
        () -> {
          aws.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    HealthAssembly health = new HealthAssembly(system, readiness, HealthSettings.fromConfig(config));
    health.dependencies(aws, settings, roles.contains(INGEST) && settings.ingest().enabled());
    EntityTypeRegistry registry = EntityTypeRegistry.defaults();
    log.info("tenantlake node '{}': roles {}, region {}, {}", system.name(), roles, settings.region(), settings.aws());

    List<String> models = config.getConfigList("tenantlake.models").stream().map(m -> m.getString("name")).toList();
    var blockingIo = system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking());
    if (roles.contains(INGEST)) {
      if (settings.ingest().enabled()) {
        BackfillLanes backfill = BackfillAssembly.lanes(system, config, settings, aws, registry, blockingIo);
        var rates = system.systemActorOf(LaneRates.create(Map.of(
            Lane.BOOTSTRAP.label(), backfill.lane(Lane.BOOTSTRAP.label()).orElseThrow(),
            Lane.IMPORT.label(), backfill.lane(Lane.IMPORT.label()).orElseThrow())), "lane-rates",
            org.apache.pekko.actor.typed.Props.empty());
        joinSelfIfConfigured(system, config);
        var refined = config.getBoolean("tenantlake.refined.enabled")
            ? io.tenantlake.sharding.RefinedService.start(system, config, settings, registry) : null;
        MaintenanceSettings maintenance = MaintenanceSettings.fromConfig(config);
        // The lanes run on one ingest node of the cluster at a time: the writer of every table.
        IngestWriter.Status writer = IngestWriter.init(system, INGEST, () -> new RunningLanes(
            LiveIngestService.startOpening(system.classicSystem(), settings, aws, registry,
                refined == null ? Flow::create : refined.openPipeline(), backfill),
            maintenanceService(maintenance, settings, registry, models).start()), blockingIo);
        java.util.function.Supplier<java.util.Optional<io.tenantlake.engine.ingest.IngestMetrics>> laneMetrics =
            () -> writer.local().map(l -> ((RunningLanes) l).ingest().metrics());
        java.util.function.LongSupplier maxLag = () -> laneMetrics.get().map(m -> m.maxLagMillis()).orElse(-1L);
        metricSources.ingest(laneMetrics).backfill(backfill);
        health.ingest(writer);
        if (refined != null) metricSources.refined(refined.metrics());
        if (refined != null) {
          ClaimCheckStore claims = new ClaimCheckStore(aws.s3(), settings.claimCheck().bucket(),
              settings.claimCheck().prefix(), settings.claimCheck().maxSize());
          routes.add(new TenantRoutes(TenantTokens.fromConfig(config.getConfig("tenantlake.auth")), refined,
              maxLag, claims, new EventJson(registry), registry, blockingIo, system).route());
        }
        routes.add(new AdminIngestRoutes(admins, writer, maxLag).route());
        routes.add(new AdminLaneRoutes(admins, backfill, rates, system).route());
        java.util.function.Supplier<java.util.Optional<String>> jobsElsewhere = () -> writer.isLocal()
            ? java.util.Optional.empty()
            : java.util.Optional.of("bootstrap jobs run on the cluster's ingest writer, which is "
                + writer.writerNode().map(n -> "the node at " + n).orElse("not up yet") + ", not this node ("
                + writer.self() + "): ask it there");
        routes.add(new AdminBootstrapRoutes(admins, backfill.jobs(), blockingIo, system, jobsElsewhere).route());
        routes.add(new AdminMaintenanceRoutes(admins, () -> writer.local().map(l -> ((RunningLanes) l).maintenance()),
            () -> "table maintenance runs on the cluster's ingest writer, which is "
                + writer.writerNode().map(n -> "the node at " + n).orElse("not up yet") + ", not this node ("
                + writer.self() + "): ask it there").route());
      } else {
        log.info("role ingest: tenantlake.ingest.enabled is off, the live lane does not run");
      }
    }
    if (roles.contains(INTAKE)) {
      if (producers.isEmpty()) {
        log.warn("role intake: no producer tokens configured (tenantlake.auth.producer-tokens, "
            + "TENANTLAKE_PRODUCER_TOKEN): every POST /v1/events is refused with 401");
      }
      var claimSettings = settings.claimCheck();
      ClaimCheckStore claims = new ClaimCheckStore(aws.s3(), claimSettings.bucket(), claimSettings.prefix(),
          claimSettings.maxSize());
      IntakeMetrics metrics = new IntakeMetrics();
      metricSources.intake(metrics);
      KinesisPublisher publisher = new KinesisPublisher(aws.kinesis(), registry, intakeSettings.publish(),
          intakeSettings.packing(), metrics);
      EventIntake intake = new EventIntake(new EventValidator(registry), claims, claimSettings, publisher, metrics);
      routes.add(new IntakeRoutes(intakeSettings, producers, intake, new EventJson(registry),
          Materializer.matFromSystem(system)).route());
      IntakeProgressLog.schedule(system, metrics, intakeSettings.progressInterval());
      log.info("role intake: POST /v1/events ({}, claim checks over {} bytes to s3://{}/{}, publish {}, {})",
          producers, claimSettings.threshold(), claimSettings.bucket(), claimSettings.prefix(), intakeSettings.publish(),
          intakeSettings.packing());
    }
    if (config.getBoolean("tenantlake.sharing.enabled")) {
      routes.addAll(io.tenantlake.api.sharing.SharingAssembly.routes(system, config, settings, admins, models, blockingIo));
    }
    if (config.getBoolean("tenantlake.query.enabled")) {
      routes.add(io.tenantlake.api.query.QueryAssembly.route(system, config, settings, aws.s3(), models));
    }
    routes.add(new AdminTablesRoutes(admins, settings.storage(), registry.names(), models,
        blockingIo).route());
    // concat, not orElse: rejections of all routes are merged (GET /v1/events is a 405, not a 404)
    return Directives.concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
  }
}
