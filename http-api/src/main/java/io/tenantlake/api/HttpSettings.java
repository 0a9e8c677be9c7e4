package io.tenantlake.api;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/** The {@code tenantlake.http} block of the configuration (see reference.conf). */
public record HttpSettings(String host, int port, Duration shutdownDeadline) {
  public HttpSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(shutdownDeadline, "shutdownDeadline");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("tenantlake.http.port out of range: " + port);
    }
  }

  public static HttpSettings fromConfig(Config root) {
    Config c = root.getConfig("tenantlake.http");
    return new HttpSettings(c.getString("host"), c.getInt("port"), c.getDuration("shutdown-deadline"));
  }
}
