package io.tenantlake.bench.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bin/tenantlake bench merge --vs-spark}, the parts that run on Spark's class path:
 * <pre>
 * generate DIR W1|W2 ROWS BATCHES EVENTS SEED   the workload files (see {@link Workload})
 * spark DIR WARMUP DELETION_VECTORS OUR_TABLE     Spark's merges of the same files, then both end
 *                                                 tables against the fold, and the report
 * check DIR WARMUP OUR_TABLE                      only tenantlake's table against the fold and its
 *                                                 figures (--tenantlake-only: large tables, cost growth)
 * </pre>
 * tenantlake's side runs between the two in its own JVM (engine test class
 * {@code io.tenantlake.engine.refined.bench.WorkloadMerge}), and leaves its times in DIR/tenantlake.tsv.
 */
public final class VsSpark {
  private VsSpark() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "generate" -> {
        Path dir = Path.of(args[1]);
        long start = System.nanoTime();
        Workload.generate(dir, args[2], Long.parseLong(args[6]), Integer.parseInt(args[3]),
            Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        String what = String.format("workload %s: %s rows, %s batches of %s events, seed %s", args[2], args[3],
            args[4], args[5], args[6]);
        Files.writeString(dir.resolve("workload.txt"), what + "\n");
        System.out.printf("%s, in %s (%.1f s)%n", what, dir, (System.nanoTime() - start) / 1e9);
      }
      case "spark" -> System.exit(spark(Path.of(args[1]), Integer.parseInt(args[2]), Boolean.parseBoolean(args[3]),
          Path.of(args[4]), true) ? 0 : 1);
      case "check" -> System.exit(spark(Path.of(args[1]), Integer.parseInt(args[2]), false, Path.of(args[3]), false) ? 0 : 1);
      default -> throw new IllegalArgumentException("generate or spark, not " + args[0]);
    }
  }

  private static boolean spark(Path dir, int warmup, boolean dv, Path ours, boolean runSpark) throws IOException {
    List<Path> batches = new ArrayList<>();
    for (int b = 0; Files.exists(Workload.batchFile(dir, b)); b++) batches.add(Workload.batchFile(dir, b));
    SparkSession spark = SparkMerge.session();
    spark.sparkContext().setLogLevel("WARN");
    SparkMerge merge = new SparkMerge(spark, dir.resolve("spark-table"));
    List<Double> rates = new ArrayList<>();
    List<Double> upsertMillis = new ArrayList<>();
    if (runSpark) runSpark(merge, dir, batches, warmup, dv, rates, upsertMillis);
    List<Path> all = new ArrayList<>();
    all.add(dir.resolve("initial.jsonl"));
    all.addAll(batches);
    for (int u = 0; u < Workload.UPSERTS; u++) all.add(Workload.upsertFile(dir, u));
    Map<String, String> fold = Fold.of(all);
    String sparkDiff = runSpark ? TableCheck.compare(spark, merge.path(), "issue_id", fold) : null;
    String oursDiff = TableCheck.compare(spark, ours.toAbsolutePath().toString(), "_entity_id", fold);
    spark.stop();
    Report ourSide = Report.read(dir.resolve("tenantlake.tsv"), warmup);
    double sparkMedian = median(rates);
    System.out.println();
    System.out.printf("RESULT %s%n", Files.readString(dir.resolve("workload.txt")).trim());
    System.out.printf("  tenantlake median %,.0f events/s (%d batches), one-tenant upsert median %d ms, %d rows copied%n",
        ourSide.eventsMedian(), ourSide.rates().size(), ourSide.upsertMillis(), ourSide.upsertCopied());
    if (runSpark) {
      System.out.printf("  spark      median %,.0f events/s (%d batches, deletion vectors %s), one-tenant upsert median %d ms%n",
          sparkMedian, rates.size(), dv, (long) median(upsertMillis));
      System.out.printf("  ratio tenantlake / spark: %.2f%n", ourSide.eventsMedian() / sparkMedian);
      System.out.printf("  fold check, spark table (%d keys): %s%n", fold.size(), sparkDiff == null ? "PASS" : "FAIL " + sparkDiff);
    }
    System.out.printf("  fold check, tenantlake table (%d keys): %s%n", fold.size(), oursDiff == null ? "PASS" : "FAIL " + oursDiff);
    return sparkDiff == null && oursDiff == null;
  }

  private static void runSpark(SparkMerge merge, Path dir, List<Path> batches, int warmup, boolean dv,
      List<Double> rates, List<Double> upsertMillis) throws IOException {
    long start = System.nanoTime();
    merge.create(dir.resolve("initial.jsonl"), dv);
    System.out.printf("spark: loaded %s in %.1f s (deletion vectors %s, local file system %s)%n", merge.path(),
        (System.nanoTime() - start) / 1e9, dv, SparkMerge.forkless() ? "fork-free" : "Hadoop's (forks chmod per file)");
    for (int b = 0; b < batches.size(); b++) {
      long events;
      try (var lines = Files.lines(batches.get(b))) {
        events = lines.count();
      }
      SparkMerge.Result r = merge.merge(batches.get(b));
      double rate = events * 1000.0 / Math.max(1, r.millis());
      if (b >= warmup) rates.add(rate);
      System.out.printf("spark %s %2d: %6d ms %8.0f events/s  rows copied %8d  files removed %5d added %5d  DVs %d%n",
          b < warmup ? "warm-up" : "batch  ", b + 1, r.millis(), rate, r.rowsCopied(), r.filesRemoved(), r.filesAdded(), r.dvs());
    }
    for (int u = 0; u < Workload.UPSERTS; u++) {
      SparkMerge.Result r = merge.merge(Workload.upsertFile(dir, u));
      upsertMillis.add((double) r.millis());
      System.out.printf("spark one-tenant upsert %d: %d ms, rows copied %d%n", u + 1, r.millis(), r.rowsCopied());
    }
  }

  static double median(List<Double> values) {
    double[] s = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(s);
    if (s.length == 0) return Double.NaN;
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** tenantlake's side, as its JVM wrote it: {@code batch|upsert <tab> index <tab> events <tab> millis <tab> rows copied}. */
  record Report(List<Double> rates, long upsertMillis, long upsertCopied) {
    double eventsMedian() { return VsSpark.median(rates); }

    static Report read(Path file, int warmup) throws IOException {
      List<Double> rates = new ArrayList<>();
      List<Double> upsert = new ArrayList<>();
      List<Double> copied = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        String[] f = line.split("\t");
        long events = Long.parseLong(f[2]), millis = Long.parseLong(f[3]);
        if (f[0].equals("batch") && Integer.parseInt(f[1]) >= warmup) rates.add(events * 1000.0 / Math.max(1, millis));
        if (f[0].equals("upsert")) {
          upsert.add((double) millis);
          copied.add(Double.parseDouble(f[4]));
        }
      }
      return new Report(rates, (long) VsSpark.median(upsert), (long) VsSpark.median(copied));
    }
  }
}
