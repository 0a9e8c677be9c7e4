package io.tenantlake.api.query;

import io.tenantlake.api.JsonResponses;
import io.tenantlake.api.TenantTokens;
import io.tenantlake.engine.event.EventValidator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.Materializer;

/** What the query and data source routes share: the tenant check, and running blocking work on the query pool. */
final class TenantGate {
  private TenantGate() {}

  /** The answer when the request may not read the tenant (bad id, 401, 403); its body is discarded then. */
  static Optional<HttpResponse> deny(TenantTokens tokens, String tenant, HttpRequest request, Materializer mat) {
    Optional<HttpResponse> denied = EventValidator.TENANT_ID.matcher(tenant).matches()
        ? tokens.check(tenant, request.getHeader("Authorization").map(HttpHeader::value))
        : Optional.of(JsonResponses.error(StatusCodes.BAD_REQUEST, "bad_tenant", "not a tenant id"));
    denied.ifPresent(r -> request.entity().discardBytes(mat));
    return denied;
  }

  /** Runs the work on the pool; a full pool is a 429, a failure a 503 naming it. */
  static CompletionStage<HttpResponse> onPool(Executor pool, Supplier<HttpResponse> work) {
    try {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return work.get();
        } catch (RuntimeException e) {
          return JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", "the request failed: " + e.getMessage());
        }
      }, pool);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(JsonResponses.error(StatusCodes.TOO_MANY_REQUESTS, "too_many_queries",
          "the node is running as many queries as it can: retry shortly"));
    }
  }
}
