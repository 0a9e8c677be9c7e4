package io.tenantlake.engine.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.internal.SnapshotImpl;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.TableLog;
import io.tenantlake.engine.raw.CheckpointTable;
import io.tenantlake.engine.raw.CommitPolicy;
import io.tenantlake.engine.raw.RawTableWriter;
import io.tenantlake.testkit.KernelTableReader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCareTest {
  static final int INTERVAL = 50;
  @TempDir Path dir;

  MaintenanceSettings settings() {
    return MaintenanceSettings.withOverrides("checkpoint { interval = " + INTERVAL + ", log-retention = 2h }");
  }

  @Test
  void after1000CommitsOpeningATableReadsOneCheckpointAndFewerThanNCommits() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    String checkpoints = CheckpointTable.name("live");
    RawTableWriter writer = new RawTableWriter(storage, CommitPolicy.defaults(), checkpoints, Runnable::run, Runnable::run);
    writer.prepare(List.of("jira.issue"));
    DeltaTable raw = DeltaTable.at(storage, "raw/jira.issue");
    DeltaTable cp = DeltaTable.at(storage, checkpoints);
    LogCare now = new LogCare(settings(), Clock.systemUTC());
    assertThat(now.run(storage, raw).count("propertiesSet")).isEqualTo(1);
    now.run(storage, cp);
    assertThat(new TableLog(raw, storage).properties()).containsEntry("delta.checkpointInterval", "50")
        .containsEntry("delta.enableExpiredLogCleanup", "false")
        .containsEntry("delta.logRetentionDuration", "interval 2 hours");

    for (int i = 0; i < 100; i++) writer.commit(MaintenanceFixtures.one("shard-0", i, "t" + (i % 7), "I-" + i, 1));
    // Within the retention nothing goes; standalone wrote a checkpoint every 50 commits by itself.
    TableResult kept = now.run(storage, raw);
    assertThat(kept.count("logFilesDeleted")).isZero();
    assertThat(new TableLog(raw, storage).files().stream().filter(TableLog.LogFile::checkpoint).count()).isEqualTo(2);

    // Past the log retention (as the scheduled task sees it between runs): everything before the
    // newest checkpoint goes.
    LogCare later = new LogCare(settings(), MaintenanceFixtures.ahead(Duration.ofHours(3)));
    long deleted = 0;
    for (int i = 100; i < 1000; i++) {
      writer.commit(MaintenanceFixtures.one("shard-0", i, "t" + (i % 7), "I-" + i, 1));
      if (i % 100 == 37) {
        deleted += later.run(storage, raw).count("logFilesDeleted");
        later.run(storage, cp);
      }
    }
    deleted += later.run(storage, raw).count("logFilesDeleted");
    later.run(storage, cp);
    assertThat(raw.version()).isGreaterThanOrEqualTo(1000);
    assertThat(deleted).isGreaterThan(900);
    for (DeltaTable t : List.of(raw, cp)) {
      List<TableLog.LogFile> files = new TableLog(t, storage).files();
      assertThat(files.stream().filter(TableLog.LogFile::checkpoint)).as(t.name() + " checkpoints").hasSize(1);
      assertThat(files.stream().filter(f -> !f.checkpoint()).count()).as(t.name() + " commits").isLessThan(INTERVAL);
      // What Delta Kernel reads to open it: the one checkpoint and the commits after it.
      var engine = DefaultEngine.create(new Configuration());
      SnapshotImpl snap = (SnapshotImpl) io.delta.kernel.Table.forPath(engine, t.location()).getLatestSnapshot(engine);
      assertThat(snap.getLogSegment().getCheckpoints()).hasSize(1);
      assertThat(snap.getLogSegment().getDeltas().size()).isLessThan(INTERVAL);
      assertThat(snap.getVersion()).isEqualTo(t.version());
      // A fresh standalone log agrees.
      assertThat(DeltaTable.at(storage, t.name()).version()).isEqualTo(t.version());
    }
    assertThat(new KernelTableReader(Map.of()).read(raw.location()).rows()).hasSize(1000);

    // The writers' positions survive: a new writer resumes after the last record, a replay writes nothing.
    RawTableWriter restarted = new RawTableWriter(storage, CommitPolicy.defaults(), checkpoints, Runnable::run, Runnable::run);
    assertThat(restarted.resumePositions()).containsEntry("tenantlake-jira/shard-0", MaintenanceFixtures.seq(999));
    assertThat(restarted.commit(MaintenanceFixtures.one("shard-0", 999, "t0", "I-999", 1)).events()).isZero();
    assertThat(restarted.commit(MaintenanceFixtures.one("shard-0", 1000, "t0", "I-1000", 1)).events()).isEqualTo(1);
    assertThat(new KernelTableReader(Map.of()).read(raw.location()).rows()).hasSize(1001);
  }
}
