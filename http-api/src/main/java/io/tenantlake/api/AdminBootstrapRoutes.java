package io.tenantlake.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tenantlake.engine.bootstrap.BootstrapJobs;
import io.tenantlake.engine.bootstrap.JobStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * Bootstrap jobs (admin token): {@code POST /v1/admin/bootstrap} with {@code {"entity_type",
 * "uri", "tenant"?}} starts one (202 and its status); {@code GET /v1/admin/jobs} lists them,
 * {@code GET /v1/admin/jobs/{id}} shows one (state, objects and records done, rate, ETA) and
 * {@code DELETE /v1/admin/jobs/{id}} cancels it. Listing a snapshot and reading job files is
 * blocking IO: it runs on the given executor.
 */
final class AdminBootstrapRoutes extends AllDirectives {
  private final BearerTokens admins;
  private final BootstrapJobs jobs;
  private final Executor blockingIo;
  private final ActorSystem<?> system;
  private final java.util.function.Supplier<java.util.Optional<String>> elsewhere;

  /**
   * @param elsewhere why this node cannot serve jobs now (the cluster's writer runs on another
   *     node), or empty when it can: jobs run where the lanes run
   */
  AdminBootstrapRoutes(BearerTokens admins, BootstrapJobs jobs, Executor blockingIo, ActorSystem<?> system,
      java.util.function.Supplier<java.util.Optional<String>> elsewhere) {
    this.elsewhere = elsewhere;
    this.admins = admins;
    this.jobs = jobs;
    this.blockingIo = blockingIo;
    this.system = system;
  }

  Route route() {
    return pathPrefix(PathMatchers.segment("v1").slash("admin"), () -> extractRequest(request -> {
      var problem = admins.check(request.getHeader("Authorization").map(HttpHeader::value));
      var notHere = problem.isPresent() ? java.util.Optional.<String>empty() : elsewhere.get();
      if (notHere.isPresent()) {
        return concat(path("bootstrap", () -> unavailable(request, notHere.get())),
            pathPrefix("jobs", () -> unavailable(request, notHere.get())));
      }
      return concat(
          path("bootstrap", () -> post(() -> {
            if (problem.isPresent()) return refuse(request, problem.get());
            return completeWithFuture(JsonBodies.read(request.entity(), Materializer.matFromSystem(system), this::submit));
          })),
          path("jobs", () -> get(() -> {
            if (problem.isPresent()) return complete(JsonResponses.unauthorized(problem.get()));
            return completeWithFuture(CompletableFuture.supplyAsync(() -> JsonResponses.json(StatusCodes.OK,
                Map.of("jobs", jobs.all().stream().map(AdminBootstrapRoutes::json).toList())), blockingIo));
          })),
          path(PathMatchers.segment("jobs").slash(PathMatchers.segment()), id -> {
            if (problem.isPresent()) return refuse(request, problem.get());
            return concat(
                get(() -> completeWithFuture(CompletableFuture.supplyAsync(() -> jobs.status(id)
                    .map(s -> JsonResponses.json(StatusCodes.OK, json(s)))
                    .orElseGet(() -> notFound(id)), blockingIo))),
                delete(() -> completeWithFuture(CompletableFuture.supplyAsync(() -> cancel(id), blockingIo))));
          }));
    }));
  }

  private Route unavailable(org.apache.pekko.http.javadsl.model.HttpRequest request, String reason) {
    request.discardEntityBytes(system);
    return complete(JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, "not_writer", reason)
        .addHeader(org.apache.pekko.http.javadsl.model.headers.RetryAfter.create(5L)));
  }

  private Route refuse(org.apache.pekko.http.javadsl.model.HttpRequest request, String problem) {
    request.discardEntityBytes(system);
    return complete(JsonResponses.unauthorized(problem));
  }

  private CompletionStage<HttpResponse> submit(JsonNode body) {
    String type;
    String uri;
    String tenant;
    try {
      type = JsonBodies.text(body, "entity_type");
      uri = JsonBodies.text(body, "uri");
      tenant = JsonBodies.text(body, "tenant");
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(JsonBodies.badRequest(e.getMessage()));
    }
    if (type == null || uri == null) {
      return CompletableFuture.completedFuture(JsonBodies.badRequest("\"entity_type\" and \"uri\" are required"));
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        JobStatus status = jobs.submit(type, uri, tenant);
        return JsonResponses.json(StatusCodes.ACCEPTED, json(status))
            .addHeader(Location.create("/v1/admin/jobs/" + status.job().id()));
      } catch (IllegalArgumentException e) {
        return JsonBodies.badRequest(e.getMessage());
      }
    }, blockingIo);
  }

  private HttpResponse cancel(String id) {
    var before = jobs.status(id);
    if (before.isEmpty()) return notFound(id);
    if (before.get().job().state().finished()) {
      return JsonResponses.error(StatusCodes.CONFLICT, "finished",
          "job " + id + " is already " + before.get().job().state().name().toLowerCase(java.util.Locale.ROOT));
    }
    return jobs.cancel(id).map(s -> JsonResponses.json(StatusCodes.OK, json(s))).orElseGet(() -> notFound(id));
  }

  private static HttpResponse notFound(String id) {
    return JsonResponses.error(StatusCodes.NOT_FOUND, "not_found", "no bootstrap job " + id);
  }

  static Map<String, Object> json(JobStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.job().id());
    m.put("state", s.job().state().name().toLowerCase(java.util.Locale.ROOT));
    m.put("entity_type", s.job().entityType());
    m.put("uri", s.job().uri());
    if (s.job().tenant() != null) m.put("tenant", s.job().tenant());
    m.put("created_at", s.job().createdAt().toString());
    if (s.job().finishedAt() != null) m.put("finished_at", s.job().finishedAt().toString());
    if (s.job().error() != null) m.put("error", s.job().error());
    m.put("objects_done", s.objectsDone());
    m.put("objects_total", s.objectsTotal());
    m.put("records_done", s.recordsDone());
    m.put("dead_letters", s.deadLetters());
    m.put("skipped_other_tenants", s.skippedOtherTenants());
    m.put("bytes_read", s.bytesRead());
    m.put("bytes_total", s.bytesTotal());
    m.put("records_per_second", Math.round(s.recordsPerSecond() * 10) / 10.0);
    m.put("eta_seconds", s.etaSeconds());
    return m;
  }
}
