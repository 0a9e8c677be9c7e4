package io.tenantlake.api.metrics;

import com.typesafe.config.Config;
import io.tenantlake.engine.ingest.IngestMetrics;

/**
 * The {@code tenantlake.metrics} block (see reference.conf).
 *
 * @param enabled whether {@code GET /metrics} is served
 * @param topTenants how many tenants (the largest by events committed) get their own series; 0 none
 * @param requireAdminToken whether a scrape must present an admin token (Prometheus: {@code authorization})
 */
public record MetricsSettings(boolean enabled, int topTenants, boolean requireAdminToken) {
  public MetricsSettings {
    if (topTenants < 0 || topTenants > IngestMetrics.TENANTS_TRACKED) {
      throw new IllegalArgumentException("tenantlake.metrics.top-tenants must be between 0 and "
          + IngestMetrics.TENANTS_TRACKED + ", not " + topTenants);
    }
  }

  public static MetricsSettings fromConfig(Config root) {
    Config c = root.getConfig("tenantlake.metrics");
    return new MetricsSettings(c.getBoolean("enabled"), c.getInt("top-tenants"), c.getBoolean("require-admin-token"));
  }
}
