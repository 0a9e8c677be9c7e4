package io.tenantlake.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
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
