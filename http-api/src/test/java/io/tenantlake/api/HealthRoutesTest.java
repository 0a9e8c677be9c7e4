package io.tenantlake.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.api.health.Readiness;
import java.net.URI;
import java.util.Optional;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.Test;

class HealthRoutesTest {
  @Test
  void readyFollowsItsChecksWhileAliveStaysOk() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "health-test");
    try {
      AtomicBoolean ready = new AtomicBoolean(false);
      AtomicBoolean storage = new AtomicBoolean(true);
      Readiness readiness = new Readiness()
          .check("serving", () -> ready.get() ? Optional.empty() : Optional.of("starting"))
          .check("storage", () -> storage.get() ? Optional.empty() : Optional.of("storage unreachable: boom"));
      ServerBinding binding = Http.get(system).newServerAt("127.0.0.1", 0)
          .bind(new HealthRoutes(readiness).route()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      URI base = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/");
      HttpClient http = HttpClient.newHttpClient();

      HttpResponse<String> notReady = http.send(HttpRequest.newBuilder(base.resolve("ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body())
          .isEqualTo("{\"status\":\"unavailable\",\"checks\":{\"serving\":\"starting\",\"storage\":\"ok\"}}");
      assertThat(http.send(HttpRequest.newBuilder(base.resolve("alive")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

      ready.set(true);
      HttpResponse<String> nowReady = http.send(HttpRequest.newBuilder(base.resolve("ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(nowReady.statusCode()).isEqualTo(200);
      assertThat(nowReady.body()).isEqualTo("{\"status\":\"ok\",\"checks\":{\"serving\":\"ok\",\"storage\":\"ok\"}}");

      storage.set(false); // loses storage: not ready, still alive
      HttpResponse<String> lost = http.send(HttpRequest.newBuilder(base.resolve("ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(lost.statusCode()).isEqualTo(503);
      assertThat(lost.body()).contains("\"storage\":\"storage unreachable: boom\"");
      HttpResponse<String> alive = http.send(HttpRequest.newBuilder(base.resolve("alive")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(alive.statusCode()).isEqualTo(200);
      assertThat(alive.body()).isEqualTo("{\"status\":\"ok\"}");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
