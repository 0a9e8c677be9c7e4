package io.tenantlake.engine.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MaintenanceSettingsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    MaintenanceSettings s = MaintenanceSettings.defaults();
    assertThat(s.targetFileBytes()).isEqualTo(128L << 20);
    assertThat(s.candidateFileBytes()).isEqualTo(16L << 20);
    assertThat(s.vacuumRetention("raw/jira.issue")).isEqualTo(Duration.ofDays(7));
    assertThat(s.vacuumRetention("refined/users")).isEqualTo(Duration.ofDays(7));
    assertThat(s.tombstoneRetention()).isEqualTo(Duration.ofDays(37));
    assertThat(s.checkpointInterval()).isEqualTo(10);
    assertThat(s.dryRun()).isFalse();
    assertThat(s.compactionWork()).isEqualTo(new CompactionWork(4, 256L << 20, 100));
    assertThat(MaintenanceSettings.Task.ofLabel("purge-tombstones")).contains(MaintenanceSettings.Task.PURGE_TOMBSTONES);
  }

  @Test
  void badValuesNameTheSetting() {
    assertThatThrownBy(() -> parse("tenantlake.maintenance.vacuum.retention.raw = 10m"))
        .hasMessageContaining("tenantlake.maintenance.vacuum.retention.raw");
    assertThatThrownBy(() -> parse("tenantlake.maintenance.compaction.candidate-file-size = 1 GiB"))
        .hasMessageContaining("candidate-file-size");
    assertThatThrownBy(() -> parse("tenantlake.maintenance.compaction.min-files = 1"))
        .hasMessageContaining("min-files");
    assertThatThrownBy(() -> parse("tenantlake.maintenance.compaction.parallelism = 0"))
        .hasMessageContaining("compaction.parallelism");
    assertThatThrownBy(() -> parse("tenantlake.maintenance.compaction.max-bytes-in-flight = 1 KiB"))
        .hasMessageContaining("max-bytes-in-flight");
    assertThatThrownBy(() -> parse("tenantlake.maintenance.checkpoint.interval = 0"))
        .hasMessageContaining("checkpoint.interval");
    assertThatThrownBy(() -> parse("tenantlake.maintenance.schedule.vacuum = 0s"))
        .hasMessageContaining("schedule.vacuum");
  }

  private static MaintenanceSettings parse(String line) {
    return MaintenanceSettings.fromConfig(ConfigFactory.parseString(line).withFallback(ConfigFactory.defaultReference()));
  }
}
