package io.tenantlake.engine.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuerySettingsTest {
  @Test
  void referenceDefaultsAreTheDocumentedOnes() {
    QuerySettings s = QuerySettings.fromConfig(ConfigFactory.load());
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.maxRows()).isEqualTo(10_000);
    assertThat(s.maxSqlBytes()).isEqualTo(1024 * 1024);
    assertThat(s.maxConcurrentPerTenant()).isLessThanOrEqualTo(s.maxConcurrentPerNode());
    assertThat(s.cacheDir().isAbsolute()).isTrue();
  }

  @Test
  void badValuesNameTheSetting() {
    assertThatThrownBy(() -> QuerySettings.fromConfig(ConfigFactory.parseString("tenantlake.query.timeout = 0s")
        .withFallback(ConfigFactory.load()))).hasMessageContaining("tenantlake.query.timeout");
    assertThatThrownBy(() -> QuerySettings.fromConfig(ConfigFactory.parseString("tenantlake.query.max-rows = 0")
        .withFallback(ConfigFactory.load()))).hasMessageContaining("tenantlake.query.max-rows");
    assertThatThrownBy(() -> QuerySettings.fromConfig(ConfigFactory.parseString(
        "tenantlake.query { max-concurrent-per-tenant = 8, max-concurrent-per-node = 4 }")
        .withFallback(ConfigFactory.load()))).hasMessageContaining("max-concurrent-per-node");
    assertThatThrownBy(() -> QuerySettings.fromConfig(ConfigFactory.parseString("tenantlake.query.memory-limit = 1 MiB")
        .withFallback(ConfigFactory.load()))).hasMessageContaining("memory-limit");
    assertThatThrownBy(() -> QuerySettings.fromConfig(ConfigFactory.parseString("tenantlake.query.cache.max-bytes = 10")
        .withFallback(ConfigFactory.load()))).hasMessageContaining("cache.max-bytes");
  }

  @Test
  void aRelativeCacheDirIsMadeAbsolute() {
    QuerySettings s = QuerySettings.fromConfig(ConfigFactory.load()).withCacheDir(Path.of("rel/cache"));
    assertThat(s.cacheDir()).isEqualTo(Path.of("rel/cache").toAbsolutePath().normalize());
  }
}
