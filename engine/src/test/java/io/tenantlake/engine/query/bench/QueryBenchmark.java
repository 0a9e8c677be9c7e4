package io.tenantlake.engine.query.bench;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.Row;
import io.tenantlake.engine.delta.TableCommit;
import io.tenantlake.engine.query.ParquetFileCache;
import io.tenantlake.engine.query.QueryRequest;
import io.tenantlake.engine.query.QueryResult;
import io.tenantlake.engine.query.QuerySettings;
import io.tenantlake.engine.query.TenantQueryEngine;
import io.tenantlake.engine.query.TenantSnapshotViews;
import io.tenantlake.engine.refined.ModelSchema;
import io.tenantlake.engine.refined.RefinedTables;
import io.tenantlake.testkit.LocalS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * Tenant query latency on a lake in S3Proxy: a GROUP BY with a filter over one tenant's partition
 * of {@code rows} rows, cold (a fresh node cache: the files are fetched from S3 first) and warm
 * (cached), then {@code tenants} tenants querying their own (cached) partitions at once, ten
 * queries each. Ingestion does not run during it. Prints each figure and the medians.
 *
 * <pre>
 * mvn -B -o -q -pl engine test-compile
 * mvn -B -o -q -pl engine exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   -Dexec.args="-Xmx4g -cp %classpath io.tenantlake.engine.query.bench.QueryBenchmark 1000000 20 5"
 * </pre>
 *
 * Arguments: rows of the big tenant, tenants querying at once (each with rows/tenants rows of its
 * own), runs.
 */
public final class QueryBenchmark {
  static final ModelSchema MODEL = new ModelSchema("bench_issues", List.of(
      Column.required("issue_id", ColumnType.STRING),
      Column.required("project", ColumnType.STRING),
      Column.required("status", ColumnType.STRING),
      Column.optional("priority", ColumnType.INT),
      Column.optional("story_points", ColumnType.DOUBLE),
      Column.required("created", ColumnType.TIMESTAMP)), List.of("issue_id"));
  static final String[] STATUSES = {"open", "in progress", "in review", "done", "closed"};
  static final String SQL = "SELECT status, count(*) AS issues, avg(story_points) AS points FROM bench_issues "
      + "WHERE project = ? AND priority >= 2 GROUP BY status ORDER BY status";

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int tenants = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    try (LocalS3 s3 = LocalS3.builder().inMemory().start();
        S3AsyncClient client = s3.asyncClientBuilder().build()) {
      s3.createBucket("bench-lake");
      DeltaStorage storage = DeltaStorage.s3("bench-lake", "region-bench", s3.s3aSettings());
      long t0 = System.nanoTime();
      write(storage, "big", rows);
      for (int t = 0; t < tenants; t++) write(storage, String.format("t%02d", t), rows / tenants);
      System.out.printf("lake: %,d rows for tenant big, %,d for each of %d tenants, written in %.1f s%n", rows,
          rows / tenants, tenants, (System.nanoTime() - t0) / 1e9);
      List<Double> cold = new ArrayList<>();
      List<Double> warm = new ArrayList<>();
      List<Double> p50s = new ArrayList<>();
      List<Double> p99s = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        Path cacheDir = Files.createTempDirectory("query-bench-cache");
        QuerySettings settings = QuerySettings.fromConfig(com.typesafe.config.ConfigFactory.parseMap(Map.of(
            "tenantlake.query.max-concurrent-per-node", 64, "tenantlake.query.memory-limit", "1 GiB"))
            .withFallback(com.typesafe.config.ConfigFactory.load())).withCacheDir(cacheDir);
        try (TenantQueryEngine engine = new TenantQueryEngine(settings,
            new TenantSnapshotViews(storage, List.of("bench_issues")),
            new ParquetFileCache(cacheDir, settings.cacheMaxBytes(), storage.root(), client))) {
          double c = time(engine, "big");
          double w = Double.MAX_VALUE;
          for (int i = 0; i < 5; i++) w = Math.min(w, time(engine, "big"));
          // Each tenant's files fetched once first: the figure is warm queries running at once.
          for (int t = 0; t < tenants; t++) time(engine, String.format("t%02d", t));
          List<Double> lat = concurrent(engine, tenants, 10);
          double p50 = percentile(lat, 0.50);
          double p99 = percentile(lat, 0.99);
          System.out.printf("run %d: cold %.0f ms, warm %.0f ms (best of 5), %d tenants at once: p50 %.0f ms, p99 %.0f ms "
              + "(%d queries)%n", run, c, w, tenants, p50, p99, lat.size());
          cold.add(c);
          warm.add(w);
          p50s.add(p50);
          p99s.add(p99);
        }
      }
      System.out.printf("median of %d runs: cold %.0f ms, warm %.0f ms, concurrent p50 %.0f ms, p99 %.0f ms%n", runs,
          percentile(cold, 0.5), percentile(warm, 0.5), percentile(p50s, 0.5), percentile(p99s, 0.5));
    }
  }

  static void write(DeltaStorage storage, String tenant, int n) {
    DeltaTable table = DeltaTable.at(storage, RefinedTables.tableName(MODEL)).createIfMissing(RefinedTables.schema(MODEL), Map.of());
    Random rnd = new Random(tenant.hashCode());
    Instant base = Instant.parse("2026-01-01T00:00:00Z");
    for (int from = 0; from < n; from += 250_000) {
      List<Row> batch = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 250_000); i++) {
        String id = String.format("I-%08d", i);
        batch.add(Row.of(tenant, id, "P-" + rnd.nextInt(20), STATUSES[rnd.nextInt(STATUSES.length)], rnd.nextInt(5),
            rnd.nextInt(13) * 1.0, base.plusSeconds(i), id, 1L, false, "ev-" + id, base.plusSeconds(i)));
      }
      table.commit(TableCommit.append(table.write(batch, 64L << 20)).build());
    }
  }

  static double time(TenantQueryEngine engine, String tenant) {
    long s = System.nanoTime();
    QueryResult r = engine.run(tenant, new QueryRequest(SQL, Optional.empty(), List.of("P-3")));
    if (r.rows().size() != STATUSES.length) throw new IllegalStateException("unexpected answer " + r.rows());
    return (System.nanoTime() - s) / 1e6;
  }

  /** Each tenant queries its own partition {@code each} times, all tenants at once; the latencies. */
  static List<Double> concurrent(TenantQueryEngine engine, int tenants, int each) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tenants);
    try {
      List<Future<List<Double>>> parts = new ArrayList<>();
      for (int t = 0; t < tenants; t++) {
        String tenant = String.format("t%02d", t);
        parts.add(pool.submit(() -> {
          List<Double> l = new ArrayList<>();
          for (int i = 0; i < each; i++) l.add(time(engine, tenant));
          return l;
        }));
      }
      List<Double> all = new ArrayList<>();
      for (var p : parts) all.addAll(p.get());
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  static double percentile(List<Double> values, double p) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    return s.get(Math.min(s.size() - 1, (int) Math.ceil(p * s.size()) - 1));
  }
}
