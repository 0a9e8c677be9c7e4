package io.tenantlake.engine.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SnapshotReadSettingsTest {
  @Test
  void referenceConfHoldsTheDefaults() {
    SnapshotReadSettings s = SnapshotReadSettings.fromConfig(ConfigFactory.load().getConfig("tenantlake.bootstrap"));
    assertThat(s).isEqualTo(SnapshotReadSettings.defaults());
    assertThat(s.maxRecordSize()).isEqualTo(4 * 1024 * 1024);
  }

  @Test
  void overridesAreReadAndChecked() {
    var c = ConfigFactory.parseString("max-record-size = 64 KiB, retry.max-retries = 0")
        .withFallback(ConfigFactory.load().getConfig("tenantlake.bootstrap"));
    assertThat(SnapshotReadSettings.fromConfig(c).maxRecordSize()).isEqualTo(65_536);
    assertThat(SnapshotReadSettings.fromConfig(c).maxRetries()).isZero();
    var tooBig = ConfigFactory.parseString("max-record-size = 3 GiB").withFallback(c);
    assertThatThrownBy(() -> SnapshotReadSettings.fromConfig(tooBig)).hasMessageContaining("max-record-size");
    assertThatThrownBy(() -> SnapshotReadSettings.defaults().withMaxRecordSize(0)).hasMessageContaining("max-record-size");
    assertThatThrownBy(() -> SnapshotReadSettings.defaults().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
        .hasMessageContaining("min-backoff <= max-backoff");
  }
}
