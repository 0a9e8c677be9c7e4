package io.tenantlake.api;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Tenant-scoped bearer tokens: a tenant's token opens that tenant's data and nothing else (403 for
 * another tenant's), admin tokens open every tenant, anything else is 401. Tokens are compared as
 * digests in constant time ({@link BearerTokens}) and never logged.
 */
public final class TenantTokens {
  private final Map<String, BearerTokens> byTenant;
  private final BearerTokens admins;

  TenantTokens(Map<String, BearerTokens> byTenant, BearerTokens admins) {
    this.byTenant = Map.copyOf(byTenant);
    this.admins = admins;
  }

  /** {@code tenant-tokens { "<tenant>" = ["token", ...] }} and the admin tokens of {@code tenantlake.auth}. */
  public static TenantTokens fromConfig(Config auth) {
    Map<String, BearerTokens> byTenant = new HashMap<>();
    if (auth.hasPath("tenant-tokens")) {
      Config t = auth.getConfig("tenant-tokens");
      for (String tenant : t.root().keySet()) {
        byTenant.put(tenant, BearerTokens.of("tenant " + tenant, t.getStringList("\"" + tenant + "\"")));
      }
    }
    return new TenantTokens(byTenant, BearerTokens.fromConfig(auth, "admin"));
  }

  /** Empty when the header may read this tenant; otherwise the answer to give (401 or 403). */
  public Optional<HttpResponse> check(String tenant, Optional<String> authorization) {
    BearerTokens own = byTenant.get(tenant);
    if (own != null && own.check(authorization).isEmpty()) return Optional.empty();
    if (admins.check(authorization).isEmpty()) return Optional.empty();
    if (authorization.isEmpty() || authorization.get().isBlank()) {
      return Optional.of(JsonResponses.unauthorized("missing bearer token: send \"Authorization: Bearer <tenant token>\""));
    }
    // Every tenant's set is checked, whatever matches first: no timing tells which tenant a token is.
    boolean otherTenant = false;
    List<BearerTokens> all = new ArrayList<>(byTenant.values());
    for (BearerTokens tokens : all) otherTenant |= tokens.check(authorization).isEmpty();
    if (otherTenant) {
      return Optional.of(JsonResponses.error(StatusCodes.FORBIDDEN, "forbidden", "this token does not open tenant " + tenant));
    }
    return Optional.of(JsonResponses.unauthorized("unknown token"));
  }
}
