package io.tenantlake.api;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /alive}: the process serves HTTP. {@code GET /ready}: the node takes traffic (not while
 * it starts or shuts down). Both answer JSON: {@code {"status":"ok"}} with 200, or
 * {@code {"status":"unavailable"}} with 503.
 */
public final class HealthRoutes extends AllDirectives {
  private static final String OK = "{\"status\":\"ok\"}";
  private static final String UNAVAILABLE = "{\"status\":\"unavailable\"}";

  private final BooleanSupplier ready;

  public HealthRoutes(BooleanSupplier ready) {
    this.ready = Objects.requireNonNull(ready);
  }

  /** The supplier is asked on every request to /ready. */
  public Route route() {
    // path first, then method: a passing get() would cancel other routes' method rejections
    // (GET /v1/events must stay a 405, not become a 404)
    return concat(
        path("alive", () -> get(() -> json(true))),
        path("ready", () -> get(() -> json(ready.getAsBoolean()))));
  }

  private Route json(boolean ok) {
    return complete(ok ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
        HttpEntities.create(ContentTypes.APPLICATION_JSON, ok ? OK : UNAVAILABLE));
  }
}
