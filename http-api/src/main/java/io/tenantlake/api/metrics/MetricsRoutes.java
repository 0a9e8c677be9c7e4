package io.tenantlake.api.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tenantlake.api.BearerTokens;
import io.tenantlake.api.JsonResponses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: the node's registry in the Prometheus text exposition format (0.0.4). A
 * scrape reads every collector afresh; all of them read memory only, so it is answered on the
 * route's thread. With {@code require-admin-token}, a scrape without an admin token is a 401.
 */
public final class MetricsRoutes extends AllDirectives {
  private static final ContentType TEXT = ContentTypes.parse(PrometheusTextFormatWriter.CONTENT_TYPE);
  private final PrometheusRegistry registry;
  private final Optional<BearerTokens> admins;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  public MetricsRoutes(PrometheusRegistry registry, Optional<BearerTokens> admins) {
    this.registry = registry;
    this.admins = admins;
  }

  public Route route() {
    // path first, then method: see HealthRoutes
    return path("metrics", () -> get(() -> optionalHeaderValueByName("Authorization", auth -> {
      if (admins.isPresent()) {
        var problem = admins.get().check(auth);
        if (problem.isPresent()) return complete(JsonResponses.unauthorized(problem.get()));
      }
      return complete(HttpResponse.create().withEntity(HttpEntities.create(TEXT, scrape())));
    })));
  }

  /** The exposition text of one scrape. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
    try {
      writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }
}
