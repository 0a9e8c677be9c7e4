package io.tenantlake.api.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.tenantlake.api.JsonBodies;
import io.tenantlake.api.JsonResponses;
import io.tenantlake.api.TenantTokens;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.query.QueryException;
import io.tenantlake.engine.query.QueryRequest;
import io.tenantlake.engine.query.QueryResult;
import io.tenantlake.engine.query.TenantQueryEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * {@code POST /v1/tenants/{tenant}/query} with the tenant's own bearer token ({@link TenantTokens})
 * and a JSON body {@code {"sql": "...", "limit": N, "parameters": [...]}}: the answer as JSON, or
 * as CSV for {@code Accept: text/csv}. Queries run on their own bounded pool, never on the HTTP
 * threads; a full pool is a 429 like a tenant over its limit.
 */
public final class QueryRoutes extends AllDirectives {
  private final TenantTokens tokens;
  private final ScopedTokens scoped;
  private final TenantQueryEngine engine;
  private final Executor pool;
  private final Materializer materializer;
  private final long maxBodyBytes;

  QueryRoutes(TenantTokens tokens, ScopedTokens scoped, TenantQueryEngine engine, Executor pool, Materializer materializer) {
    this.tokens = tokens;
    this.scoped = scoped;
    this.engine = engine;
    this.pool = pool;
    this.materializer = materializer;
    // JSON escapes make a text up to six times longer; parameters get room of their own.
    this.maxBodyBytes = engine.settings().maxSqlBytes() * 6 + 256 * 1024;
  }

  public Route route() {
    return path(PathMatchers.segment("v1").slash("tenants").slash(PathMatchers.segment()).slash("query"), tenant ->
        post(() -> extractRequest(request -> {
          // A token scoped to data sources opens this route only, for those sources.
          Optional<java.util.Set<String>> scope = EventValidator.TENANT_ID.matcher(tenant).matches()
              ? scoped.scope(tenant, request.getHeader("Authorization").map(h -> h.value())) : Optional.empty();
          Optional<HttpResponse> denied = scope.isPresent() ? Optional.empty()
              : TenantGate.deny(tokens, tenant, request, materializer);
          if (denied.isPresent()) return complete(denied.get());
          boolean csv = request.getHeader("Accept").map(h -> h.value().toLowerCase(java.util.Locale.ROOT).contains("text/csv"))
              .orElse(false);
          return completeWithFuture(JsonBodies.read(request.entity(), materializer, maxBodyBytes,
              body -> run(tenant, body, csv, scope)));
        })));
  }

  private CompletionStage<HttpResponse> run(String tenant, JsonNode body, boolean csv, Optional<java.util.Set<String>> scope) {
    QueryRequest request;
    try {
      QueryRequest parsed = parse(body);
      request = new QueryRequest(parsed.sql(), parsed.limit(), parsed.parameters(), scope);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(JsonResponses.error(StatusCodes.BAD_REQUEST, "bad_request", e.getMessage()));
    }
    return TenantGate.onPool(pool, () -> {
      try {
        QueryResult r = engine.run(tenant, request);
        return csv ? QueryAnswers.csv(r) : QueryAnswers.json(r);
      } catch (QueryException e) {
        return QueryAnswers.error(e);
      }
    });
  }

  static QueryRequest parse(JsonNode body) {
    JsonNode sql = body.get("sql");
    if (sql == null || !sql.isTextual()) throw new IllegalArgumentException("\"sql\" (the query's text) is missing");
    Optional<Integer> limit = Optional.empty();
    JsonNode l = body.get("limit");
    if (l != null && !l.isNull()) {
      if (!l.canConvertToInt() || !l.isIntegralNumber() || l.asInt() < 0) {
        throw new IllegalArgumentException("\"limit\" must be a non-negative integer");
      }
      limit = Optional.of(l.asInt());
    }
    List<Object> params = new ArrayList<>();
    JsonNode p = body.get("parameters");
    if (p != null && !p.isNull()) {
      if (!p.isArray()) throw new IllegalArgumentException("\"parameters\" must be an array");
      for (JsonNode v : p) {
        if (v.isNull()) params.add(null);
        else if (v.isTextual()) params.add(v.asText());
        else if (v.isBoolean()) params.add(v.asBoolean());
        else if (v.isIntegralNumber() && v.canConvertToLong()) params.add(v.asLong());
        else if (v.isNumber()) params.add(v.asDouble());
        else throw new IllegalArgumentException("parameters must be strings, numbers, booleans or null");
      }
    }
    return new QueryRequest(sql.asText(), limit, params);
  }
}
