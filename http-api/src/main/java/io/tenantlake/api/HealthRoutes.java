package io.tenantlake.api;

import io.tenantlake.api.health.Readiness;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /alive}: the actor system runs and serves HTTP (liveness). {@code GET /ready}: the node
 * takes traffic (readiness): every check of its {@link Readiness} passes: it serves and is not
 * shutting down, S3 and Kinesis answered the last background probe, and on an ingest node it is an
 * Up cluster member and, if it is the writer, its lanes run. Both answer JSON:
 * {@code {"status":"ok"}} with 200, or {@code {"status":"unavailable"}} with 503; /ready adds
 * {@code "checks"}: each check's "ok" or its problem.
 */
public final class HealthRoutes extends AllDirectives {
  private final Readiness readiness;

  public HealthRoutes(Readiness readiness) {
    this.readiness = Objects.requireNonNull(readiness);
  }

  /** The checks are asked on every request to /ready (each is a flag or a cached probe result). */
  public Route route() {
    // path first, then method: a passing get() would cancel other routes' method rejections
    // (GET /v1/events must stay a 405, not become a 404)
    return concat(
        path("alive", () -> get(() -> complete(JsonResponses.json(StatusCodes.OK, Map.of("status", "ok"))))),
        path("ready", () -> get(() -> {
          Readiness.Report report = readiness.report();
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("status", report.ready() ? "ok" : "unavailable");
          body.put("checks", report.checks());
          return complete(JsonResponses.json(report.ready() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body));
        })));
  }
}
