package io.tenantlake.engine.refined.bench;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.TableStatus;
import io.tenantlake.engine.refined.EntityRows;
import io.tenantlake.engine.refined.MergePolicy;
import io.tenantlake.engine.refined.MergeReport;
import io.tenantlake.engine.refined.ModelSchema;
import io.tenantlake.engine.refined.RefinedTableWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Merge throughput on DESIGN.md section 8's workload: batches of 10,000 events (70% updates, 15%
 * inserts, 10% deletes, 5% stale) over 1,000 tenants with a Zipf skew, against a table of a given
 * size on local disk. Prints events/s per batch and the median.
 *
 * <pre>
 * mvn -B -o -q -pl engine test-compile
 * mvn -B -o -q -pl engine exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   -Dexec.args="-Xmx6g -cp %classpath io.tenantlake.engine.refined.bench.RefinedMergeBenchmark 100000 10"
 * </pre>
 *
 * Arguments: rows [batches [events per batch [tenants [zipf exponent [target file MiB]]]]]. System
 * properties: {@code bench.warmup} (batches before the measured ones, default 3: a running node is
 * warm), {@code bench.hadoop} (extra Hadoop settings, {@code k=v,k=v}).
 */
public final class RefinedMergeBenchmark {
  static final ModelSchema MODEL = new ModelSchema("bench_issue", List.of(
      Column.required("issue_id", ColumnType.STRING),
      Column.required("project", ColumnType.STRING),
      Column.required("summary", ColumnType.STRING),
      Column.required("status", ColumnType.STRING),
      Column.optional("assignee", ColumnType.STRING),
      Column.optional("priority", ColumnType.INT),
      Column.optional("story_points", ColumnType.DOUBLE),
      Column.required("created", ColumnType.TIMESTAMP)), List.of("issue_id"));
  static final String[] STATUSES = {"open", "in progress", "in review", "done", "closed"};

  private final Random rnd = new Random(42);
  private final int tenants;
  private final double[] cumulative;
  /** Per tenant: live entity ids (for picking), every entity's version (negative: deleted). */
  private final List<List<String>> live = new ArrayList<>();
  private final List<Map<String, Long>> versions = new ArrayList<>();
  private final int[] nextId;
  private long eventSeq;

  RefinedMergeBenchmark(int tenants, double zipf) {
    this.tenants = tenants;
    this.cumulative = new double[tenants];
    double sum = 0;
    for (int i = 0; i < tenants; i++) {
      sum += 1.0 / Math.pow(i + 1, zipf);
      cumulative[i] = sum;
    }
    for (int i = 0; i < tenants; i++) cumulative[i] /= sum;
    this.nextId = new int[tenants];
    for (int i = 0; i < tenants; i++) {
      live.add(new ArrayList<>());
      versions.add(new HashMap<>());
    }
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int batches = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int events = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    int tenants = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;
    double zipf = args.length > 4 ? Double.parseDouble(args[4]) : 1.0;
    int warmup = Integer.getInteger("bench.warmup", 3);
    MergePolicy policy = MergePolicy.defaults();
    if (args.length > 5) policy = policy.withTargetFileBytes(Long.parseLong(args[5]) << 20);
    Path dir = Files.createTempDirectory("refined-bench");
    System.out.printf("refined merge benchmark: %,d rows, %d + %d warm-up batches of %,d events, %d tenants (zipf %.2f), %s, %s%n",
        rows, batches, warmup, events, tenants, zipf, policy, dir);
    RefinedMergeBenchmark bench = new RefinedMergeBenchmark(tenants, zipf);
    // -Dbench.hadoop=k=v,k=v: extra Hadoop settings, e.g. fs.file.impl=...ForklessLocalFileSystem
    Map<String, String> hadoop = new HashMap<>();
    for (String kv : System.getProperty("bench.hadoop", "").split(",")) {
      if (kv.contains("=")) hadoop.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    DeltaStorage storage = hadoop.isEmpty() ? DeltaStorage.local(dir) : DeltaStorage.of(dir.toUri(), hadoop);
    System.out.println("hadoop settings: " + (hadoop.isEmpty() ? "DeltaStorage.local defaults" : hadoop));
    try (RefinedTableWriter writer = RefinedTableWriter.open(storage, MODEL, policy)) {
      long txn = 0;
      long loadStart = System.nanoTime();
      for (int loaded = 0; loaded < rows; ) {
        int n = Math.min(100_000, rows - loaded);
        writer.merge(bench.inserts(n), txn++, null);
        loaded += n;
      }
      System.out.printf("loaded in %.1f s: %s%n", (System.nanoTime() - loadStart) / 1e9,
          TableStatus.of(writer.table()).line());
      for (int b = 0; b < warmup; b++) {
        MergeReport r = writer.merge(bench.batch(events), txn++, null);
        System.out.printf("warm-up %d: %6d ms  %7.0f events/s%n", b + 1, r.millis(), events * 1000.0 / Math.max(1, r.millis()));
      }
      double[] rates = new double[batches];
      for (int b = 0; b < batches; b++) {
        List<EntityRows> batch = bench.batch(events);
        MergeReport r = writer.merge(batch, txn++, "{\"batch\":" + b + "}");
        rates[b] = events * 1000.0 / Math.max(1, r.millis());
        System.out.printf("batch %2d: %6d ms  %7.0f events/s  applied %5d stale %4d  rows written %6d copied %8d"
                + "  files read %5d skipped %5d removed %5d added %5d%n", b + 1, r.millis(), rates[b],
            r.entitiesApplied(), r.entitiesDroppedStale(), r.rowsWritten(), r.rowsCopied(), r.filesRead(),
            r.filesSkipped(), r.filesRemoved(), r.filesAdded());
      }
      double[] sorted = rates.clone();
      Arrays.sort(sorted);
      double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
          : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      System.out.printf("after: %s%n", TableStatus.of(writer.table()).line());
      System.out.printf("MEDIAN %,d rows: %.0f events/s (%d batches of %,d events)%n", rows, median, batches, events);
    }
  }

  private int tenant() {
    int i = Arrays.binarySearch(cumulative, rnd.nextDouble());
    return Math.min(tenants - 1, i >= 0 ? i : -i - 1);
  }

  List<EntityRows> inserts(int n) {
    List<EntityRows> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(insert(tenant()));
    return out;
  }

  /** 70% updates, 15% inserts, 10% deletes, 5% stale (an old version of a live or deleted entity). */
  List<EntityRows> batch(int n) {
    List<EntityRows> out = new ArrayList<>(n);
    while (out.size() < n) {
      int t = tenant();
      List<String> ids = live.get(t);
      int p = rnd.nextInt(100);
      if (p < 15 || ids.isEmpty()) {
        out.add(insert(t));
        continue;
      }
      int pick = rnd.nextInt(ids.size());
      String id = ids.get(pick);
      long v = versions.get(t).get(id);
      if (p < 85) {
        versions.get(t).put(id, v + 1);
        out.add(rows(t, id, v + 1, false));
      } else if (p < 95) {
        versions.get(t).put(id, v + 1);
        ids.set(pick, ids.get(ids.size() - 1));
        ids.remove(ids.size() - 1);
        out.add(rows(t, id, v + 1, true));
      } else {
        out.add(rows(t, id, Math.max(1, v - 1 - rnd.nextInt(2)), false));
      }
    }
    return out;
  }

  private EntityRows insert(int t) {
    String id = "ISSUE-" + (++nextId[t]);
    live.get(t).add(id);
    versions.get(t).put(id, 1L);
    return rows(t, id, 1, false);
  }

  private EntityRows rows(int t, String id, long version, boolean deleted) {
    String tenant = "tenant-" + t;
    String eventId = "evt-" + (++eventSeq);
    Instant at = Instant.ofEpochSecond(1_790_000_000L + eventSeq);
    if (deleted) return new EntityRows(tenant, "jira.issue", id, version, true, eventId, at, List.of());
    Object[] row = {id, "PRJ-" + (id.hashCode() & 7), "Summary of " + id + " at version " + version,
        STATUSES[(int) (version % STATUSES.length)], rnd.nextInt(4) == 0 ? null : "user-" + rnd.nextInt(50),
        (int) (version % 5), rnd.nextInt(13) * 0.5, Instant.ofEpochSecond(1_780_000_000L + id.hashCode() % 1_000_000)};
    return new EntityRows(tenant, "jira.issue", id, version, false, eventId, at, List.<Object[]>of(row));
  }
}
