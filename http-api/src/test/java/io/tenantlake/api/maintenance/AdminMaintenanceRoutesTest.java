package io.tenantlake.api.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantlake.api.BearerTokens;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.Row;
import io.tenantlake.engine.delta.TableCommit;
import io.tenantlake.engine.maintenance.MaintenanceService;
import io.tenantlake.engine.maintenance.MaintenanceSettings;
import io.tenantlake.engine.raw.RawTables;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminMaintenanceRoutesTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path lake;

  @Test
  void runsTasksOnDemandForAnAdminAndReportsThem() throws Exception {
    DeltaStorage storage = DeltaStorage.local(lake);
    DeltaTable issues = DeltaTable.at(storage, RawTables.rawTableName("jira.issue")).createIfMissing(RawTables.RAW, Map.of());
    for (int i = 0; i < 10; i++) {
      Row row = Row.of("t0", "ev-" + i, "jira.issue", "I-" + i, "CREATED", 1L, null, null, null, null,
          "live", "s", "shard-0", Integer.toString(i), Instant.now());
      issues.commit(TableCommit.append(issues.write(List.of(row), 8L << 20)).build());
    }
    MaintenanceService service = new MaintenanceService(MaintenanceSettings.withOverrides("enabled = false"), storage,
        List.of("raw/jira.issue"), List.of("refined/absent"), List.of("deadletter"), Clock.systemUTC()).start();
    AtomicReference<Optional<MaintenanceService>> local = new AtomicReference<>(Optional.of(service));
    var routes = new AdminMaintenanceRoutes(BearerTokens.of("admin", List.of("admin-secret")), local::get,
        () -> "table maintenance runs on the node at pekko://elsewhere");
    ActorSystem system = ActorSystem.create("maintenance-routes-test");
    try {
      ServerBinding binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(routes.route())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      URI base = URI.create("http://127.0.0.1:" + binding.localAddress().getPort());
      assertThat(send(base, "GET", "/v1/admin/maintenance", null).statusCode()).isEqualTo(401);
      assertThat(send(base, "POST", "/v1/admin/maintenance/compact", "wrong").statusCode()).isEqualTo(401);

      HttpResponse<String> unknown = send(base, "POST", "/v1/admin/maintenance/defragment", "admin-secret");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(JSON.readTree(unknown.body()).path("error").asText()).isEqualTo("unknown_task");
      assertThat(send(base, "POST", "/v1/admin/maintenance/vacuum?dry_run=perhaps", "admin-secret").statusCode()).isEqualTo(400);
      HttpResponse<String> dryCompact = send(base, "POST", "/v1/admin/maintenance/compact?dry_run=true", "admin-secret");
      assertThat(dryCompact.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(dryCompact.body()).path("reason").asText()).contains("only for vacuum");

      HttpResponse<String> queued = send(base, "POST", "/v1/admin/maintenance/compact", "admin-secret");
      assertThat(queued.statusCode()).isEqualTo(202);
      assertThat(JSON.readTree(queued.body()).path("task").asText()).isEqualTo("compact");
      JsonNode compact = lastRun(base, "compact");
      assertThat(compact.path("state").asText()).isEqualTo("done");
      assertThat(compact.path("totals").path("filesRemoved").asLong()).isEqualTo(10);
      assertThat(compact.path("tables").get(0).path("table").asText()).isEqualTo("raw/jira.issue");
      assertThat(issues.liveFiles()).hasSize(1);

      assertThat(send(base, "POST", "/v1/admin/maintenance/vacuum?dry_run=true", "admin-secret").statusCode()).isEqualTo(202);
      JsonNode vacuum = lastRun(base, "vacuum");
      assertThat(vacuum.path("dry_run").asBoolean()).isTrue();
      // The compacted files are within the 7-day retention: nothing would go yet.
      assertThat(vacuum.path("totals").path("filesExpired").asLong()).isZero();
      assertThat(vacuum.path("totals").path("filesWithinRetention").asLong()).isEqualTo(10);

      local.set(Optional.empty());
      HttpResponse<String> elsewhere = send(base, "POST", "/v1/admin/maintenance/checkpoint", "admin-secret");
      assertThat(elsewhere.statusCode()).isEqualTo(409);
      assertThat(JSON.readTree(elsewhere.body()).path("reason").asText()).contains("pekko://elsewhere");
    } finally {
      service.stop().get(30, TimeUnit.SECONDS);
      system.terminate();
    }
  }

  static JsonNode lastRun(URI base, String task) throws Exception {
    for (int i = 0; i < 200; i++) {
      JsonNode body = JSON.readTree(send(base, "GET", "/v1/admin/maintenance", "admin-secret").body());
      JsonNode last = body.path("last").path(task);
      if (!last.isNull() && !last.isMissingNode()) return last;
      Thread.sleep(100);
    }
    throw new AssertionError("no " + task + " run finished");
  }

  static HttpResponse<String> send(URI base, String method, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) b.header("Authorization", "Bearer " + token);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
