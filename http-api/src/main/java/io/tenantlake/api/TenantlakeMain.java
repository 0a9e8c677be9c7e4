package io.tenantlake.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenantlake node: reads the configuration (reference.conf files, then {@code -Dconfig.file}
 * or application.conf), starts the actor system and what its roles need ({@link NodeAssembly}:
 * {@code tenantlake.roles}, intake and/or ingest), and serves the HTTP API until SIGTERM, when
 * CoordinatedShutdown first reports not ready, then unbinds (phase service-unbind), lets requests in
 * flight finish, stops the services (service-stop) and closes the AWS clients.
 */
public final class TenantlakeMain {
  private static final Logger log = LoggerFactory.getLogger(TenantlakeMain.class);

  private TenantlakeMain() {}

  /** A running node: its actor system and HTTP binding. */
  public record Node(ActorSystem<Void> system, ServerBinding binding) {
    public InetSocketAddress address() {
      return binding.localAddress();
    }

    /** Runs CoordinatedShutdown (as SIGTERM would) and waits until the system has terminated. */
    public void stop(Duration timeout) throws Exception {
      CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason())
          .toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  public static void main(String[] args) {
    Config config = ConfigFactory.load();
    try {
      Node node = start(config, "tenantlake").toCompletableFuture().get(60, TimeUnit.SECONDS);
      node.system().getWhenTerminated().toCompletableFuture().join();
    } catch (Exception e) {
      log.error("tenantlake node failed to start: {}", e.getMessage(), e);
      System.exit(1);
    }
  }

  /** Starts a node; the future fails (and the system is terminated) if the port cannot be bound. */
  public static CompletableFuture<Node> start(Config userConfig, String systemName) {
    // Every node is a cluster node (tenant entities are sharded); these settings must win over
    // Pekko's reference.conf, whatever the class path's order.
    // System properties (-Dpekko.remote.artery.canonical.port=...) still win over it.
    Config layered = com.typesafe.config.ConfigFactory.systemProperties()
        .withFallback(com.typesafe.config.ConfigFactory.parseResources("tenantlake-cluster.conf").resolve())
        .withFallback(userConfig);
    // The node's roles are its cluster roles too: the ingest writer is a singleton of the ingest role.
    java.util.List<String> roles = layered.getStringList("tenantlake.roles").stream()
        .map(r -> r.strip().toLowerCase(java.util.Locale.ROOT)).toList();
    Config config = com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("pekko.cluster.roles", roles))
        .withFallback(layered);
    HttpSettings http = HttpSettings.fromConfig(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), systemName, config);
    AtomicBoolean ready = new AtomicBoolean(false);

    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "tenantlake-not-ready", () -> {
      if (ready.getAndSet(false)) {
        log.info("tenantlake node '{}' shutting down: /ready answers 503 from now on", system.name());
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    });

    Route routes;
    try {
      routes = NodeAssembly.assemble(system, config, ready::get);
    } catch (Throwable e) {
      // Errors too (a class missing from the class path, say): a half-started node must not
      // keep the JVM alive. CoordinatedShutdown closes whatever was started.
      system.terminate();
      return CompletableFuture.failedFuture(
          new IllegalStateException("cannot start tenantlake node '" + systemName + "': " + e.getMessage(), e));
    }
    return Http.get(system)
        .newServerAt(http.host(), http.port())
        .bind(routes)
        .toCompletableFuture()
        .handle((binding, failure) -> {
          if (failure != null) {
            system.terminate();
            throw new IllegalStateException("cannot bind the HTTP API to " + http.host() + ":" + http.port()
                + ": " + failure.getMessage(), failure);
          }
          // service-unbind: stop accepting; service-requests-done: finish or cut in-flight requests
          binding.addToCoordinatedShutdown(http.shutdownDeadline(), system);
          InetSocketAddress a = binding.localAddress();
          ready.set(true);
          log.info("tenantlake node '{}' listening on http://{}:{} (GET /alive, GET /ready{})",
              system.name(), a.getHostString(), a.getPort(),
              NodeAssembly.roles(config).contains(NodeAssembly.INTAKE) ? ", POST /v1/events" : "");
          return new Node(system, binding);
        });
  }
}
