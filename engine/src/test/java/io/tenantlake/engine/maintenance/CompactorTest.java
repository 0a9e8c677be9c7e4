package io.tenantlake.engine.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.event.Decoded;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.raw.CheckpointTable;
import io.tenantlake.engine.raw.CommitPolicy;
import io.tenantlake.engine.raw.RawTableWriter;
import io.tenantlake.testkit.KernelTableReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorTest {
  @TempDir Path dir;

  static final MaintenanceSettings SETTINGS = MaintenanceSettings.withOverrides(
      "compaction { min-files = 2, parallelism = 3, partitions-per-commit = 5 }");

  @Test
  void partitionsAreSwappedSeveralToACommitWithTheirRowsUnchanged() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    DeltaTable raw = fragmented(storage, 12, 6);
    List<Map<String, Object>> before = sorted(new KernelTableReader(Map.of()).read(raw.location()).rows());
    long version = raw.version();

    TableResult result = new Compactor(SETTINGS, Clock.systemUTC()).compact(storage, raw);

    assertThat(result.count("partitionsCompacted")).isEqualTo(12);
    assertThat(result.count("filesRemoved")).isEqualTo(72);
    assertThat(result.count("commits")).as("12 partitions, 5 to a commit").isEqualTo(3);
    assertThat(raw.version()).isEqualTo(version + 3);
    assertThat(filesPerTenant(storage, raw).values()).containsOnly(1);
    assertThat(sorted(new KernelTableReader(Map.of()).read(raw.location()).rows())).isEqualTo(before);
  }

  @Test
  void anUnreadableFileLeavesItsPartitionAsItWasAndTheOthersCompacted() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    DeltaTable raw = fragmented(storage, 4, 5);
    Path tableDir = Path.of(java.net.URI.create(raw.location()));
    DataFile broken = raw.liveFiles().stream().filter(f -> f.partitionValues().get("tenant_id").equals("t2")).findFirst().orElseThrow();
    Files.write(tableDir.resolve(broken.path()), new byte[] {'n', 'o', 't', ' ', 'p', 'a', 'r', 'q', 'u', 'e', 't'});
    Set<String> t2Before = stored(tableDir.resolve("tenant_id=t2"));

    TableResult result = new Compactor(SETTINGS, Clock.systemUTC()).compact(storage, raw);

    assertThat(result.count("partitionsCompacted")).isEqualTo(3);
    assertThat(result.count("partitionsFailed")).isEqualTo(1);
    assertThat(result.details()).singleElement().asString().contains("t2").contains(broken.path());
    Map<String, Integer> files = filesPerTenant(storage, raw);
    assertThat(files).containsEntry("t0", 1).containsEntry("t1", 1).containsEntry("t2", 5).containsEntry("t3", 1);
    assertThat(stored(tableDir.resolve("tenant_id=t2"))).as("nothing written for t2 is left behind").isEqualTo(t2Before);
  }

  /** A raw table with {@code files} commits of one event for each of {@code tenants} tenants. */
  private static DeltaTable fragmented(DeltaStorage storage, int tenants, int files) {
    RawTableWriter writer = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"),
        Runnable::run, Runnable::run);
    long seq = 0;
    for (int c = 0; c < files; c++) {
      List<Decoded> batch = new ArrayList<>();
      for (int t = 0; t < tenants; t++) batch.add(MaintenanceFixtures.issue("shard-0", seq++, "t" + t, "I-" + seq, 1));
      writer.commit(batch);
    }
    return DeltaTable.at(storage, "raw/jira.issue");
  }

  private static Map<String, Integer> filesPerTenant(DeltaStorage storage, DeltaTable table) {
    Map<String, Integer> out = new HashMap<>();
    for (DataFile f : DeltaTable.at(storage, table.name()).liveFiles()) {
      out.merge(f.partitionValues().get("tenant_id"), 1, Integer::sum);
    }
    return out;
  }

  private static Set<String> stored(Path partitionDir) throws Exception {
    try (Stream<Path> s = Files.list(partitionDir)) {
      Set<String> out = new HashSet<>();
      s.filter(p -> p.toString().endsWith(".parquet")).forEach(p -> out.add(p.getFileName().toString()));
      return out;
    }
  }

  /** Rows by event id, byte arrays as hex: comparable with equals. */
  private static List<Map<String, Object>> sorted(List<Map<String, Object>> rows) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      Map<String, Object> m = new java.util.TreeMap<>();
      r.forEach((k, v) -> m.put(k, v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : v));
      out.add(m);
    }
    out.sort(java.util.Comparator.comparing(r -> String.valueOf(r.get("event_id"))));
    return out;
  }
}
