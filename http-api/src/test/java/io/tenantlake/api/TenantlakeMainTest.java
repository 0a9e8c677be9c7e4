package io.tenantlake.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TenantlakeMainTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static Config config(int port) {
    // no roles: health routes only, no AWS clients (IntakeRoutesTest covers the intake role)
    return ConfigFactory.parseString("tenantlake.http.port = " + port + "\ntenantlake.roles = []")
        .withFallback(ConfigFactory.load());
  }

  private static HttpResponse<String> get(URI base, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesAliveAndReadyOnLoopbackThenUnbindsOnShutdown() throws Exception {
    TenantlakeMain.Node node = TenantlakeMain.start(config(0), "main-test")
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    URI base = URI.create("http://127.0.0.1:" + node.address().getPort() + "/");
    try {
      assertThat(node.address().getAddress().isLoopbackAddress()).isTrue();
      for (String path : new String[] {"alive", "ready"}) {
        HttpResponse<String> r = get(base, path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(r.body()).as(path).startsWith("{\"status\":\"ok\"");
        assertThat(r.headers().firstValue("Content-Type")).as(path).contains("application/json");
      }
      assertThat(get(base, "nope").statusCode()).isEqualTo(404);
      HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(base.resolve("ready"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    } finally {
      node.stop(TIMEOUT);
    }
    assertThat(node.system().whenTerminated().isCompleted()).isTrue();
    assertThatThrownBy(() -> get(base, "alive")).isInstanceOf(IOException.class);
  }

  @Test
  void failsClearlyWhenThePortIsTaken() throws Exception {
    TenantlakeMain.Node first = TenantlakeMain.start(config(0), "first")
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    try {
      var second = TenantlakeMain.start(config(first.address().getPort()), "second");
      assertThatThrownBy(() -> second.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("cannot bind the HTTP API to 127.0.0.1:" + first.address().getPort());
    } finally {
      first.stop(TIMEOUT);
    }
  }

  @Test
  void anUnknownRoleStopsTheNodeWithTheSettingsName() {
    Config bad = ConfigFactory.parseString("tenantlake.roles = [\"intake\", \"ingset\"]").withFallback(config(0));
    assertThatThrownBy(() -> TenantlakeMain.start(bad, "bad-roles").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("tenantlake.roles: unknown role \"ingset\" (known: intake, ingest)");
  }

  @Test
  void rolesDefaultToIntakeAndIngest() {
    assertThat(NodeAssembly.roles(ConfigFactory.load())).containsExactly("intake", "ingest");
    IntakeSettings intake = IntakeSettings.fromConfig(ConfigFactory.load());
    assertThat(intake.maxBodySize()).isEqualTo(16L * 1024 * 1024);
    assertThat(intake.maxBatchEvents()).isEqualTo(1000);
  }

  @Test
  void settingsComeFromReferenceConf() {
    HttpSettings s = HttpSettings.fromConfig(ConfigFactory.load());
    assertThat(s).isEqualTo(new HttpSettings("127.0.0.1", 8080, Duration.ofSeconds(10)));
  }
}
