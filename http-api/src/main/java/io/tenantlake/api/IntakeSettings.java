package io.tenantlake.api;

import com.typesafe.config.Config;
import io.tenantlake.engine.intake.PublishPolicy;
import io.tenantlake.engine.intake.RecordPacking;
import java.time.Duration;
import java.util.Objects;

/** The {@code tenantlake.intake} block (see reference.conf): limits of POST /v1/events, the publish policy and record packing. */
public record IntakeSettings(long maxBodySize, int maxBatchEvents, Duration bodyReadTimeout, int maxConcurrentRequests,
    Duration retryAfter, Duration progressInterval, PublishPolicy publish, RecordPacking packing) {

  public IntakeSettings {
    Objects.requireNonNull(bodyReadTimeout, "bodyReadTimeout");
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(progressInterval, "progressInterval");
    Objects.requireNonNull(publish, "publish");
    Objects.requireNonNull(packing, "packing");
    if (maxBodySize < 1 || maxBodySize > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tenantlake.intake.max-body-size must be between 1 byte and 2 GiB");
    }
    if (maxBatchEvents < 1) throw new IllegalArgumentException("tenantlake.intake.max-batch-events must be >= 1");
    if (maxConcurrentRequests < 1) throw new IllegalArgumentException("tenantlake.intake.max-concurrent-requests must be >= 1");
    if (retryAfter.isNegative()) throw new IllegalArgumentException("tenantlake.intake.retry-after must be >= 0");
    if (progressInterval.isNegative() || progressInterval.isZero()) {
      throw new IllegalArgumentException("tenantlake.intake.progress-interval must be > 0");
    }
  }

  public static IntakeSettings fromConfig(Config root) {
    Config c = root.getConfig("tenantlake.intake");
    return new IntakeSettings(c.getBytes("max-body-size"), c.getInt("max-batch-events"), c.getDuration("body-read-timeout"),
        c.getInt("max-concurrent-requests"), c.getDuration("retry-after"), c.getDuration("progress-interval"),
        PublishPolicy.fromConfig(c.getConfig("publish")), RecordPacking.fromConfig(c.getConfig("packing")));
  }

  /** Retry-After in whole seconds, at least 1. */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }
}
