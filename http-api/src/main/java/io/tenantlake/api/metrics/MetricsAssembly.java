package io.tenantlake.api.metrics;

import com.typesafe.config.Config;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tenantlake.api.BearerTokens;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a node's metrics (when {@code tenantlake.metrics.enabled}): one registry per node, never
 * Prometheus' static default one, so several nodes in one JVM (tests) keep their series apart. The
 * collectors are registered once, here, and read {@link MetricSources} at every scrape.
 */
public final class MetricsAssembly {
  private static final Logger log = LoggerFactory.getLogger(MetricsAssembly.class);

  private MetricsAssembly() {}

  /** The registry: JVM memory, GC, threads and the rest of JvmMetrics, and the node's own collectors. */
  public static PrometheusRegistry registry(MetricSources sources, MetricsSettings settings) {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    registry.register(new IntakeCollector(sources));
    registry.register(new IngestCollector(sources, settings.topTenants()));
    registry.register(new RefinedCollector(sources));
    registry.register(new LaneCollector(sources));
    return registry;
  }

  /** {@code GET /metrics}, or nothing when metrics are off. */
  public static Optional<Route> route(Config config, MetricSources sources, BearerTokens admins) {
    MetricsSettings settings = MetricsSettings.fromConfig(config);
    if (!settings.enabled()) {
      log.info("metrics: off (tenantlake.metrics.enabled)");
      return Optional.empty();
    }
    log.info("metrics: GET /metrics (Prometheus text), top {} tenants, {}", settings.topTenants(),
        settings.requireAdminToken() ? "admin token required" : "no token required");
    return Optional.of(new MetricsRoutes(registry(sources, settings),
        settings.requireAdminToken() ? Optional.of(admins) : Optional.empty()).route());
  }
}
