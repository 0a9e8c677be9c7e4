package io.tenantlake.api.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantlake.api.BearerTokens;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.sharing.Share;
import io.tenantlake.engine.sharing.ShareRegistry;
import io.tenantlake.engine.sharing.SharingSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * Shares of a tenant, admin token:
 * <ul>
 *   <li>{@code POST /v1/admin/tenants/{tenant}/shares} {@code {"recipient", "tables"?, "expires_in"?}}
 *       (expires_in in seconds): creates the share; the answer is the recipient's profile file;
 *   <li>{@code GET .../shares}: the tenant's shares and recipients (never a token);
 *   <li>{@code POST .../shares/{id}/rotate} {@code {"expires_in"?}}: a new profile file; the old token
 *       works for {@code tenantlake.sharing.rotation-grace} more;
 *   <li>{@code DELETE .../shares/{id}}: revokes at once.
 * </ul>
 * Errors are {@code {"error", "reason"}} like the rest of the admin API.
 */
public final class ShareAdminRoutes extends AllDirectives {
  private final BearerTokens admins;
  private final ShareRegistry registry;
  private final SharingSettings settings;
  private final Executor blockingIo;
  private final Materializer materializer;

  public ShareAdminRoutes(BearerTokens admins, ShareRegistry registry, SharingSettings settings, Executor blockingIo,
      Materializer materializer) {
    this.admins = admins;
    this.registry = registry;
    this.settings = settings;
    this.blockingIo = blockingIo;
    this.materializer = materializer;
  }

  public Route route() {
    return pathPrefix(PathMatchers.segment("v1").slash("admin").slash("tenants").slash(PathMatchers.segment()).slash("shares"),
        tenant -> extractRequest(request -> {
          var problem = admins.check(request.getHeader("Authorization").map(HttpHeader::value));
          if (problem.isPresent()) return complete(error(StatusCodes.UNAUTHORIZED, "unauthorized", problem.get()));
          if (!EventValidator.TENANT_ID.matcher(tenant).matches()) {
            return complete(error(StatusCodes.BAD_REQUEST, "bad_tenant", "not a tenant id"));
          }
          return concat(
              pathEnd(() -> concat(
                  get(() -> blocking(() -> list(tenant))),
                  post(() -> withBody(request, body -> create(request, tenant, body))))),
              path(PathMatchers.segment().slash("rotate"), id -> post(() -> withBody(request, body ->
                  withShare(tenant, id, s -> profile(request, registry.rotate(s, expiresIn(body)), StatusCodes.OK))))),
              path(PathMatchers.segment(), id -> concat(
                  get(() -> blocking(() -> withShare(tenant, id, s -> SharingResponses.json(StatusCodes.OK, summary(s))))),
                  delete(() -> blocking(() -> withShare(tenant, id, s -> SharingResponses.json(StatusCodes.OK,
                      summary(registry.revoke(s)))))))));
        }));
  }

  private HttpResponse create(HttpRequest request, String tenant, JsonNode body) {
    JsonNode recipient = body.get("recipient");
    if (recipient == null || !recipient.isTextual()) throw new ShareRegistry.InvalidShareRequest("\"recipient\" (a string) is required");
    List<String> tables = new ArrayList<>();
    JsonNode t = body.get("tables");
    if (t != null && !t.isNull()) {
      if (!t.isArray()) throw new ShareRegistry.InvalidShareRequest("\"tables\" must be a list of table names");
      for (JsonNode n : t) {
        if (!n.isTextual()) throw new ShareRegistry.InvalidShareRequest("\"tables\" must be a list of table names");
        tables.add(n.asText());
      }
    }
    ShareRegistry.Created created = registry.create(tenant, recipient.asText(), tables, expiresIn(body));
    return profile(request, created, StatusCodes.CREATED);
  }

  private static Optional<Duration> expiresIn(JsonNode body) {
    JsonNode e = body.get("expires_in");
    if (e == null || e.isNull()) return Optional.empty();
    if (!e.canConvertToLong()) throw new ShareRegistry.InvalidShareRequest("\"expires_in\" must be a number of seconds");
    return Optional.of(Duration.ofSeconds(e.asLong()));
  }

  /** The profile file, as the recipient saves it; the share id in a header for the admin. */
  private HttpResponse profile(HttpRequest request, ShareRegistry.Created created, org.apache.pekko.http.javadsl.model.StatusCode status) {
    ObjectNode p = SharingResponses.JSON.createObjectNode();
    p.put("shareCredentialsVersion", 1);
    p.put("endpoint", settings.endpoint().orElseGet(() -> request.getUri().scheme() + "://"
        + request.getUri().host().address() + ":" + request.getUri().port() + "/delta-sharing"));
    p.put("bearerToken", created.token());
    p.put("expirationTime", Instant.ofEpochMilli(created.share().expiresAt()).toString());
    return SharingResponses.json(status, p).addHeader(RawHeader.create("Tenantlake-Share-Id", created.share().id()));
  }

  private HttpResponse list(String tenant) {
    ObjectNode body = SharingResponses.JSON.createObjectNode();
    body.put("tenant_id", tenant);
    ArrayNode items = body.putArray("shares");
    for (Share s : registry.ofTenant(tenant)) items.add(summary(s));
    return SharingResponses.json(StatusCodes.OK, body);
  }

  /** What an admin may see of a share: everything but the credentials' hashes. */
  private ObjectNode summary(Share s) {
    long now = System.currentTimeMillis();
    ObjectNode n = SharingResponses.JSON.createObjectNode();
    n.put("id", s.id());
    n.put("share", s.name());
    n.put("tenant_id", s.tenant());
    n.put("recipient", s.recipient());
    ArrayNode tables = n.putArray("tables");
    if (s.tables().isEmpty()) registry.tablesOf(s).forEach(t -> tables.add(t.qualified()));
    else s.tables().forEach(tables::add);
    n.put("all_tables", s.tables().isEmpty());
    n.put("created_at", Instant.ofEpochMilli(s.createdAt()).toString());
    n.put("expires_at", Instant.ofEpochMilli(s.expiresAt()).toString());
    n.put("status", s.revoked() ? "revoked" : s.expiresAt() <= now ? "expired" : "active");
    if (s.revoked()) n.put("revoked_at", Instant.ofEpochMilli(s.revokedAt()).toString());
    n.put("valid_tokens", s.revoked() ? 0 : s.credentials().stream().filter(c -> c.notAfter() > now).count());
    return n;
  }

  private HttpResponse withShare(String tenant, String id, Function<Share, HttpResponse> then) {
    Optional<Share> share = registry.find(tenant, id);
    if (share.isEmpty()) {
      // Also by name or recipient: an admin knows those better than ids.
      share = registry.ofTenant(tenant).stream().filter(s -> !s.revoked()
          && (s.name().equals(id) || s.recipient().equals(id))).findFirst();
    }
    return share.map(then).orElseGet(() -> error(StatusCodes.NOT_FOUND, "not_found", "tenant " + tenant + " has no share " + id));
  }

  private Route withBody(HttpRequest request, Function<JsonNode, HttpResponse> handler) {
    return completeWithFuture(SharingResponses.readObject(request.entity(), materializer)
        .thenApplyAsync(body -> guarded(() -> handler.apply(body)), blockingIo)
        .exceptionally(err -> {
          HttpResponse r = SharingResponses.bodyError(err);
          return error(r.status(), "bad_request", reasonOf(err));
        }));
  }

  private Route blocking(java.util.function.Supplier<HttpResponse> work) {
    return completeWithFuture(CompletableFuture.supplyAsync(() -> guarded(work), blockingIo));
  }

  private static HttpResponse guarded(java.util.function.Supplier<HttpResponse> work) {
    try {
      return work.get();
    } catch (ShareRegistry.InvalidShareRequest e) {
      return error(StatusCodes.BAD_REQUEST, "bad_request", e.getMessage());
    }
  }

  private static String reasonOf(Throwable err) {
    Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  private static HttpResponse error(org.apache.pekko.http.javadsl.model.StatusCode status, String error, String reason) {
    ObjectNode body = SharingResponses.JSON.createObjectNode();
    body.put("error", error);
    body.put("reason", reason);
    return SharingResponses.json(status, body);
  }
}
