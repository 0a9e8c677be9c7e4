package io.tenantlake.engine.lanes;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code tenantlake.lanes.in-flight}: how many records of a backfill lane may be on their way to
 * the tables at once, while live traffic flows and once it has been quiet for {@code liveQuietAfter}.
 */
public record InFlightSettings(long whileLive, long whileQuiet, Duration liveQuietAfter) {
  public InFlightSettings {
    if (whileLive < 1 || whileQuiet < 1) {
      throw new IllegalArgumentException("tenantlake.lanes.in-flight windows must be >= 1, got " + whileLive + " and " + whileQuiet);
    }
    if (liveQuietAfter.isNegative()) throw new IllegalArgumentException("tenantlake.lanes.in-flight.live-quiet-after must be >= 0");
  }

  public static InFlightSettings fromConfig(Config c) {
    return new InFlightSettings(c.getLong("while-live"), c.getLong("while-quiet"), c.getDuration("live-quiet-after"));
  }
}
