package io.tenantlake.api.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantlake.api.JsonBodies;
import io.tenantlake.api.JsonResponses;
import io.tenantlake.api.TenantTokens;
import io.tenantlake.engine.query.DataSource;
import io.tenantlake.engine.query.DataSources;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * A tenant's scoped data sources, with the tenant's own token: {@code POST
 * /v1/tenants/{tenant}/datasources} {@code {"name", "model", "filter"}} creates one (201; 409 when
 * the name is taken; 400 naming what the filter may not hold), {@code GET} lists them, {@code GET
 * .../{name}} shows one, {@code DELETE .../{name}} removes it (204). Queries then read each as a view.
 */
public final class DataSourceRoutes extends AllDirectives {
  private final TenantTokens tokens;
  private final DataSources sources;
  private final Executor pool;
  private final Materializer materializer;

  public DataSourceRoutes(TenantTokens tokens, DataSources sources, Executor pool, Materializer materializer) {
    this.tokens = tokens;
    this.sources = sources;
    this.pool = pool;
    this.materializer = materializer;
  }

  public Route route() {
    return pathPrefix(PathMatchers.segment("v1").slash("tenants").slash(PathMatchers.segment()).slash("datasources"),
        tenant -> extractRequest(request -> {
          Optional<HttpResponse> denied = TenantGate.deny(tokens, tenant, request, materializer);
          if (denied.isPresent()) return complete(denied.get());
          return concat(
              pathEnd(() -> concat(
                  post(() -> completeWithFuture(JsonBodies.read(request.entity(), materializer, 64 * 1024, body -> create(tenant, body)))),
                  get(() -> completeWithFuture(blocking(() -> {
                    ObjectNode out = JsonResponses.JSON.createObjectNode();
                    var arr = out.putArray("datasources");
                    for (DataSource d : sources.list(tenant)) arr.add(node(d));
                    return JsonResponses.json(StatusCodes.OK, out);
                  }))))),
              path(PathMatchers.segment(), name -> concat(
                  get(() -> completeWithFuture(blocking(() -> sources.get(tenant, name)
                      .map(d -> JsonResponses.json(StatusCodes.OK, node(d)))
                      .orElseGet(() -> notFound(tenant, name))))),
                  delete(() -> completeWithFuture(blocking(() -> sources.delete(tenant, name)
                      ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT) : notFound(tenant, name)))))));
        }));
  }

  private CompletionStage<HttpResponse> create(String tenant, JsonNode body) {
    return blocking(() -> {
      try {
        DataSource d = sources.create(tenant, text(body, "name"), text(body, "model"), text(body, "filter"));
        return JsonResponses.json(StatusCodes.CREATED, node(d));
      } catch (DataSources.Exists e) {
        return JsonResponses.error(StatusCodes.CONFLICT, "exists", e.getMessage());
      } catch (IllegalArgumentException e) {
        return JsonResponses.error(StatusCodes.BAD_REQUEST, "refused", e.getMessage());
      }
    });
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.isTextual()) throw new IllegalArgumentException("\"" + field + "\" (text) is missing");
    return n.asText();
  }

  private static HttpResponse notFound(String tenant, String name) {
    return JsonResponses.error(StatusCodes.NOT_FOUND, "not_found", "tenant " + tenant + " has no data source " + name);
  }

  private static ObjectNode node(DataSource d) {
    ObjectNode n = JsonResponses.JSON.createObjectNode();
    n.put("name", d.name()).put("model", d.model()).put("filter", d.filter())
        .put("created_at", java.time.Instant.ofEpochMilli(d.createdAt()).toString());
    return n;
  }

  /** Store reads and writes are blocking: on the query pool. */
  private CompletionStage<HttpResponse> blocking(Supplier<HttpResponse> work) {
    return TenantGate.onPool(pool, work);
  }
}
