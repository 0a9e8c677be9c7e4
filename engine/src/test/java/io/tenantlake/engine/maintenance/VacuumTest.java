package io.tenantlake.engine.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.raw.CheckpointTable;
import io.tenantlake.engine.raw.CommitPolicy;
import io.tenantlake.engine.raw.RawTableWriter;
import io.tenantlake.testkit.KernelTableReader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VacuumTest {
  @TempDir Path dir;
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void deletesExactlyTheFilesPastRetentionAndTimeTravelWithinItStillReads() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    RawTableWriter writer = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"), Runnable::run, Runnable::run);
    DeltaTable raw = DeltaTable.at(storage, "raw/jira.issue");
    Compactor compactor = new Compactor(MaintenanceSettings.withOverrides("compaction.min-files = 2"), Clock.systemUTC());
    long seq = 0;
    for (int i = 0; i < 4; i++) writer.commit(MaintenanceFixtures.one("shard-0", seq++, "t" + (i % 2), "I-" + seq, 1));
    long beforeFirstRewrite = raw.version();
    compactor.compact(storage, raw);
    Thread.sleep(1500);
    Instant between = Instant.now();
    Thread.sleep(1500);
    for (int i = 0; i < 4; i++) writer.commit(MaintenanceFixtures.one("shard-0", seq++, "t" + (i % 2), "I-" + seq, 1));
    long beforeSecondRewrite = raw.version();
    compactor.compact(storage, raw);
    long secondRewrite = raw.version();
    Path tableDir = Path.of(java.net.URI.create(raw.location()));
    // Two files the log never heard of: one written long ago (a crashed commit), one just now.
    Path oldOrphan = Files.write(tableDir.resolve("tenant_id=t0/part-orphan-old.c000.snappy.parquet"), new byte[] {1});
    Files.setLastModifiedTime(oldOrphan, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
    Files.write(tableDir.resolve("tenant_id=t0/part-orphan-new.c000.snappy.parquet"), new byte[] {2});

    // A clock at which "between" is exactly one retention ago: the first rewrite's tombstones are past it.
    Duration retention = Duration.ofHours(1);
    Clock clock = Clock.fixed(between.plus(retention), ZoneOffset.UTC);
    MaintenanceSettings settings = MaintenanceSettings.withOverrides("vacuum.retention.raw = 1h");
    Set<String> expected = expectedExpired(tableDir, between.toEpochMilli(), new KernelTableReader(Map.of()), raw);
    assertThat(expected).contains("tenant_id=t0/part-orphan-old.c000.snappy.parquet").hasSize(4 + 1);

    Set<String> storedBefore = storedFiles(tableDir);
    TableResult dry = new Vacuum(settings, clock).run(storage, raw, true);
    assertThat(new TreeSet<>(dry.details())).isEqualTo(expected);
    assertThat(storedFiles(tableDir)).isEqualTo(storedBefore);

    TableResult run = new Vacuum(settings, clock).run(storage, raw, false);
    assertThat(run.count("filesDeleted")).isEqualTo(expected.size());
    Set<String> left = new TreeSet<>(storedBefore);
    left.removeAll(expected);
    assertThat(storedFiles(tableDir)).isEqualTo(left);
    assertThat(Files.list(tableDir.resolve("_delta_log")).count()).as("_delta_log untouched").isGreaterThan(10);

    KernelTableReader kernel = new KernelTableReader(Map.of());
    assertThat(kernel.read(raw.location()).rows()).hasSize(8);
    // Within retention: the version just before the second rewrite still reads, all its files there.
    assertThat(kernel.readAt(raw.location(), beforeSecondRewrite).rows()).hasSize(8);
    // Past it: the version before the first rewrite has lost its files.
    assertThatThrownBy(() -> kernel.readAt(raw.location(), beforeFirstRewrite).rows()).isNotNull();
    // The compactions' removes are read from JSON on top of the last checkpoint until the next one:
    // the checkpoint task writes one after a rewrite, whatever the interval.
    // (Delta writes one by itself when the compaction's commit falls on its interval.)
    new LogCare(settings, Clock.systemUTC()).run(storage, raw);
    long newestCheckpoint = new io.tenantlake.engine.delta.TableLog(raw, storage).files().stream()
        .filter(io.tenantlake.engine.delta.TableLog.LogFile::checkpoint)
        .mapToLong(io.tenantlake.engine.delta.TableLog.LogFile::version).max().orElse(-1);
    assertThat(newestCheckpoint).as("a checkpoint at or after the last rewrite").isGreaterThanOrEqualTo(secondRewrite);
    assertThat(new LogCare(settings, Clock.systemUTC()).run(storage, raw).count("checkpointsWritten")).isZero();
    // A second run finds nothing more.
    assertThat(new Vacuum(settings, clock).run(storage, raw, false).count("filesExpired")).isZero();
  }

  /**
   * What must go, worked out independently of our code: files in storage (walked on disk) that
   * Kernel does not list as live, whose remove action in the JSON commits is older than the
   * cutoff, or that no action names and were modified before it.
   */
  static Set<String> expectedExpired(Path tableDir, long cutoff, KernelTableReader kernel, DeltaTable table) throws Exception {
    Map<String, Long> removed = new HashMap<>();
    Set<String> added = new HashSet<>();
    try (Stream<Path> log = Files.list(tableDir.resolve("_delta_log"))) {
      for (Path p : log.filter(p -> p.toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(p)) {
          JsonNode a = JSON.readTree(line);
          if (a.has("remove")) {
            removed.merge(decode(a.get("remove").get("path").asText()), a.get("remove").get("deletionTimestamp").asLong(), Math::max);
          }
          if (a.has("add")) added.add(decode(a.get("add").get("path").asText()));
        }
      }
    }
    Set<String> live = new HashSet<>();
    for (var f : table.liveFiles()) live.add(f.path());
    assertThat(kernel.read(table.location()).rows()).isNotEmpty();
    Set<String> out = new TreeSet<>();
    for (String f : storedFiles(tableDir)) {
      if (live.contains(f)) continue;
      Long ts = removed.get(f);
      long mtime = Files.getLastModifiedTime(tableDir.resolve(f)).toMillis();
      if (ts != null ? ts < cutoff : !added.contains(f) && mtime < cutoff) out.add(f);
    }
    return out;
  }

  static String decode(String logPath) {
    return URLDecoder.decode(logPath, StandardCharsets.UTF_8);
  }

  static Set<String> storedFiles(Path tableDir) throws Exception {
    try (Stream<Path> s = Files.walk(tableDir)) {
      return new TreeSet<>(s.filter(Files::isRegularFile).map(p -> tableDir.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.startsWith("_delta_log") && !p.endsWith(".crc")).toList());
    }
  }
}
