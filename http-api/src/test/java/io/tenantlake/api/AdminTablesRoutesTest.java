package io.tenantlake.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.Row;
import io.tenantlake.engine.delta.TableCommit;
import io.tenantlake.engine.raw.RawTables;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTablesRoutesTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path lake;

  @Test
  void showsEachRawTablesRowsToAnAdminAndNobodyElse() throws Exception {
    DeltaStorage storage = DeltaStorage.local(lake);
    DeltaTable issues = DeltaTable.at(storage, RawTables.rawTableName("jira.issue")).createIfMissing(RawTables.RAW, Map.of());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      rows.add(Row.of("t" + (i % 5), "ev-" + i, "jira.issue", "I-" + i, "CREATED", 1L, null, null, null, null,
          "live", "s", "shard-0", Integer.toString(i), Instant.now()));
    }
    issues.commit(TableCommit.append(issues.write(rows, 8L << 20)).build());

    var config = ConfigFactory.parseMap(Map.of(
            "tenantlake.http.port", 0, "tenantlake.roles", List.of("intake"),
            "tenantlake.storage.root", lake.toUri().toString(),
            "tenantlake.aws.kinesis-endpoint", "http://127.0.0.1:9", "tenantlake.aws.s3-endpoint", "http://127.0.0.1:9",
            "tenantlake.auth.admin-tokens", List.of("admin-secret")))
        .withFallback(ConfigFactory.load());
    TenantlakeMain.Node node = TenantlakeMain.start(config, "admin-tables-test").get(30, TimeUnit.SECONDS);
    URI base = URI.create("http://127.0.0.1:" + node.address().getPort());
    try {
      HttpResponse<String> noToken = HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/admin/tables")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(noToken.statusCode()).isEqualTo(401);
      assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

      HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/admin/tables"))
          .header("Authorization", "Bearer admin-secret").timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      JsonNode body = JsonResponses.JSON.readTree(ok.body());
      JsonNode issueTable = null;
      for (JsonNode t : body.path("tables")) if (t.path("table").asText().equals("raw/jira.issue")) issueTable = t;
      assertThat(issueTable).isNotNull();
      assertThat(issueTable.path("rows").asLong()).isEqualTo(25);
      assertThat(issueTable.path("partitions").asInt()).isEqualTo(5);
      assertThat(issueTable.path("version").asLong()).isEqualTo(1);

      HttpResponse<String> text = HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/admin/tables?format=text"))
          .header("Authorization", "Bearer admin-secret").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(text.body()).containsPattern("raw/jira.issue\\s+version\\s+1\\s+files\\s+5\\s+rows\\s+25");
    } finally {
      node.stop(Duration.ofSeconds(20));
    }
  }
}
