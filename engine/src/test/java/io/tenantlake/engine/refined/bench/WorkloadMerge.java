package io.tenantlake.engine.refined.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.FileRowCache;
import io.tenantlake.engine.delta.TableStatus;
import io.tenantlake.engine.refined.EntityRows;
import io.tenantlake.engine.refined.MergePolicy;
import io.tenantlake.engine.refined.MergeReport;
import io.tenantlake.engine.refined.ModelSchema;
import io.tenantlake.engine.refined.RefinedTableWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * tenantlake's side of {@code bin/tenantlake bench merge --vs-spark}: the workload files that
 * bench/spark generated (JSON lines, see its {@code Workload}), applied with the refined table writer
 * as the service opens it (reference.conf's merge policy: 32 MiB files, 8 MiB small, 4 small files,
 * 8 partitions at once; a 256 MiB row cache), on a local directory. Each batch is timed from reading
 * its file to the committed merge (the writer keeps each key's highest version, as the tenant
 * entities hand it). Writes {@code DIR/tenantlake.tsv} (batch|upsert, index, events, ms, rows copied)
 * for the Spark JVM's report; the table is at {@code DIR/tenantlake/refined/bench_issue}.
 *
 * <p>Arguments: DIR WARMUP.
 */
public final class WorkloadMerge {
  static final ModelSchema MODEL = new ModelSchema("bench_issue", List.of(
      Column.required("issue_id", ColumnType.STRING),
      Column.optional("project", ColumnType.STRING),
      Column.optional("summary", ColumnType.STRING),
      Column.optional("status", ColumnType.STRING),
      Column.optional("assignee", ColumnType.STRING),
      Column.optional("priority", ColumnType.INT),
      Column.optional("story_points", ColumnType.DOUBLE)), List.of("issue_id"));
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int warmup = Integer.parseInt(args[1]);
    MergePolicy policy = new MergePolicy(32L << 20, 8L << 20, 4, 8);
    ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "bench-partition-io");
      t.setDaemon(true);
      return t;
    });
    DeltaStorage storage = DeltaStorage.local(dir.resolve("tenantlake"));
    try (RefinedTableWriter writer = RefinedTableWriter.open(storage, MODEL, policy, pool, new FileRowCache(256L << 20));
         PrintWriter tsv = new PrintWriter(Files.newBufferedWriter(dir.resolve("tenantlake.tsv")))) {
      long start = System.nanoTime();
      long txn = 0;
      List<EntityRows> initial = read(dir.resolve("initial.jsonl"));
      for (int from = 0; from < initial.size(); from += 100_000) {
        writer.merge(initial.subList(from, Math.min(initial.size(), from + 100_000)), txn++, null);
      }
      System.out.printf("tenantlake: loaded %,d rows in %.1f s: %s%n", initial.size(), (System.nanoTime() - start) / 1e9,
          TableStatus.of(writer.table()).line());
      for (int b = 0; Files.exists(dir.resolve(String.format("batch-%03d.jsonl", b))); b++) {
        Timed t = apply(writer, dir.resolve(String.format("batch-%03d.jsonl", b)), txn++, tsv, "batch", b);
        MergeReport r = t.report();
        System.out.printf("tenantlake %s %2d: %6d ms %8.0f events/s  applied %5d stale %4d  rows copied %8d"
                + "  files read %5d removed %5d added %5d%n", b < warmup ? "warm-up" : "batch  ", b + 1, t.millis(),
            t.events() * 1000.0 / Math.max(1, t.millis()), r.entitiesApplied(), r.entitiesDroppedStale(), r.rowsCopied(),
            r.filesRead(), r.filesRemoved(), r.filesAdded());
      }
      for (int u = 0; Files.exists(dir.resolve("upsert-" + u + ".jsonl")); u++) {
        Timed t = apply(writer, dir.resolve("upsert-" + u + ".jsonl"), txn++, tsv, "upsert", u);
        System.out.printf("tenantlake one-tenant upsert %d: %d ms, rows copied %d, files read %d%n", u + 1, t.millis(),
            t.report().rowsCopied(), t.report().filesRead());
      }
      System.out.printf("tenantlake: after %s%n", TableStatus.of(writer.table()).line());
    } finally {
      pool.shutdown();
    }
  }

  private record Timed(int events, long millis, MergeReport report) {}

  /** Reads one file and merges it, timed from the read to the commit; one line of tenantlake.tsv. */
  private static Timed apply(RefinedTableWriter writer, Path file, long txn, PrintWriter tsv, String kind, int index)
      throws IOException {
    long t0 = System.nanoTime();
    List<EntityRows> batch = read(file);
    MergeReport r = writer.merge(batch, txn, null);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    tsv.printf("%s\t%d\t%d\t%d\t%d%n", kind, index, batch.size(), millis, r.rowsCopied());
    return new Timed(batch.size(), millis, r);
  }

  /** One workload file as the writer's updates: a delete is a tombstone (no rows). */
  static List<EntityRows> read(Path file) throws IOException {
    List<EntityRows> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        JsonNode e = JSON.readTree(line);
        String id = e.get("issue_id").asText();
        long version = e.get("_version").asLong();
        boolean deleted = e.get("_deleted").asBoolean();
        Instant at = Instant.ofEpochSecond(1_790_000_000L + version);
        List<Object[]> rows = deleted ? List.of() : List.<Object[]>of(new Object[] {id, e.get("project").asText(),
            e.get("summary").asText(), e.get("status").asText(),
            e.get("assignee").isNull() ? null : e.get("assignee").asText(), e.get("priority").asInt(),
            e.get("story_points").asDouble()});
        out.add(new EntityRows(e.get("tenant_id").asText(), "bench.issue", id, version, deleted,
            e.get("_event_id").asText(), at, rows));
      }
    }
    return out;
  }
}
