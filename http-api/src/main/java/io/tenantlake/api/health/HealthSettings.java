package io.tenantlake.api.health;

import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code tenantlake.health} block (see reference.conf): how /ready probes S3 and Kinesis. */
public record HealthSettings(Duration probeInterval, Duration probeTimeout) {
  public HealthSettings {
    if (probeInterval.isNegative() || probeInterval.isZero()) {
      throw new IllegalArgumentException("tenantlake.health.probe-interval must be > 0");
    }
    if (probeTimeout.isNegative() || probeTimeout.isZero()) {
      throw new IllegalArgumentException("tenantlake.health.probe-timeout must be > 0");
    }
  }

  public static HealthSettings fromConfig(Config root) {
    Config c = root.getConfig("tenantlake.health");
    return new HealthSettings(c.getDuration("probe-interval"), c.getDuration("probe-timeout"));
  }
}
