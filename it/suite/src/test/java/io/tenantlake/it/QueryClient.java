package io.tenantlake.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Posts tenant queries to a node, as a customer's client does: the tenant's token and a JSON body. */
final class QueryClient {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Answer(int status, String body) {
    JsonNode json() throws Exception {
      return LocalLake.JSON.readTree(body);
    }
  }

  private QueryClient() {}

  /** A local lake whose engine knows the tenants' tokens and has a query cache folder of the test's own. */
  record QueryLake(LocalLake lake, Path cache) {}

  static QueryLake start(String name, Map<String, String> tokensByTenant, Map<String, String> settings) throws Exception {
    Path logs = Paths.get("target", "it-logs", name);
    Files.createDirectories(logs);
    Path cache = Files.createTempDirectory(name + "-cache");
    LocalLake lake = new LocalLake("region-" + name, 1, logs);
    Map<String, String> overrides = new HashMap<>(settings);
    tokensByTenant.forEach((t, token) -> overrides.put("tenantlake.auth.tenant-tokens." + t + ".0", token));
    overrides.put("tenantlake.query.cache.dir", cache.toString());
    lake.startEngine(overrides);
    return new QueryLake(lake, cache);
  }

  /** Any call of the data source API: method, path, the tenant's token, a JSON body or null. */
  static Answer call(URI node, String method, String path, String token, String jsonBody) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(node.resolve(path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
    if (jsonBody == null) b.method(method, HttpRequest.BodyPublishers.noBody());
    else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }

  static Answer query(URI node, String tenant, String token, String sql, Object... parameters) throws Exception {
    List<Object> params = new ArrayList<>(List.of(parameters));
    String body = LocalLake.JSON.writeValueAsString(Map.of("sql", sql, "parameters", params, "limit", 100_000));
    HttpRequest req = HttpRequest.newBuilder(node.resolve("/v1/tenants/" + tenant + "/query")).timeout(Duration.ofSeconds(90))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }
}
