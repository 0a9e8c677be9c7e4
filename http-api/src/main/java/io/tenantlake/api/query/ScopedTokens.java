package io.tenantlake.api.query;

import com.typesafe.config.Config;
import io.tenantlake.api.BearerTokens;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tokens scoped to a tenant's data sources ({@code tenantlake.auth.datasource-tokens}): the seed's
 * "exactly the data they need and nothing more". Compared as digests in constant time like every
 * token ({@link BearerTokens}), never logged. They open the query route only.
 */
final class ScopedTokens {
  private record Scoped(BearerTokens token, Set<String> datasources) {}

  private final Map<String, List<Scoped>> byTenant;

  private ScopedTokens(Map<String, List<Scoped>> byTenant) {
    this.byTenant = Map.copyOf(byTenant);
  }

  static ScopedTokens fromConfig(Config auth) {
    Map<String, List<Scoped>> byTenant = new HashMap<>();
    if (auth.hasPath("datasource-tokens")) {
      Config t = auth.getConfig("datasource-tokens");
      for (String tenant : t.root().keySet()) {
        List<Scoped> list = new ArrayList<>();
        for (Config c : t.getConfigList("\"" + tenant + "\"")) {
          List<String> names = c.getStringList("datasources");
          if (names.isEmpty()) {
            throw new IllegalArgumentException("tenantlake.auth.datasource-tokens of " + tenant + ": a token names no data source");
          }
          list.add(new Scoped(BearerTokens.of("data source token of " + tenant, List.of(c.getString("token"))), Set.copyOf(names)));
        }
        byTenant.put(tenant, list);
      }
    }
    return new ScopedTokens(byTenant);
  }

  /** The data sources the header's token may read of the tenant; empty when it is no such token. */
  Optional<Set<String>> scope(String tenant, Optional<String> authorization) {
    Optional<Set<String>> found = Optional.empty();
    // Every token of the tenant is compared, whichever matches: no timing tells which one it was.
    for (Scoped s : byTenant.getOrDefault(tenant, List.of())) {
      if (s.token().check(authorization).isEmpty() && found.isEmpty()) found = Optional.of(s.datasources());
    }
    return found;
  }
}
