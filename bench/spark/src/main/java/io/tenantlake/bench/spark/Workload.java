package io.tenantlake.bench.spark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The merge benchmark's workload, generated once from a seed and written as JSON lines that both
 * sides read: {@code initial.jsonl} (N inserts at version 1), {@code batch-NNN.jsonl} (the
 * micro-batches, warm-up ones first) and {@code upsert-N.jsonl} (100 events of the smallest
 * tenant: the cost-growth probe, applied last by both sides).
 *
 * <p>Tenant sizes follow a rank-size law, weight of rank r = 1 / r^s: W1 has s = log 10 / log 1000
 * (the largest of 1,000 tenants 10x the smallest), W2 s = 1.0 (Zipf: a few huge tenants). A batch
 * event is 70% an update of a live key (version + 1), 15% an insert (new key), 10% a delete
 * (version + 1, the key leaves the live set), 5% a stale version (below the key's current one,
 * which must not win). Keys repeat inside a batch; the highest version per key is always unique.
 */
public final class Workload {
  static final String[] STATUSES = {"open", "in progress", "in review", "done", "closed"};
  public static final int TENANTS = 1_000;
  public static final int UPSERT_EVENTS = 100;
  public static final int UPSERTS = 3;

  private final Random rnd;
  private final double[] cumulative = new double[TENANTS];
  private final List<List<String>> live = new ArrayList<>();
  private final List<Map<String, Long>> versions = new ArrayList<>();
  private final int[] nextId = new int[TENANTS];
  private long eventSeq;

  Workload(String name, long seed) {
    this.rnd = new Random(seed);
    double s = switch (name) {
      case "W1" -> Math.log(10) / Math.log(TENANTS);
      case "W2" -> 1.0;
      default -> throw new IllegalArgumentException("workload must be W1 or W2, not " + name);
    };
    double sum = 0;
    for (int i = 0; i < TENANTS; i++) {
      sum += 1.0 / Math.pow(i + 1, s);
      cumulative[i] = sum;
      live.add(new ArrayList<>());
      versions.add(new HashMap<>());
    }
    for (int i = 0; i < TENANTS; i++) cumulative[i] /= sum;
  }

  /** Writes the workload into {@code dir}; returns the number of batch files. */
  public static int generate(Path dir, String name, long seed, int rows, int batches, int events) throws IOException {
    Files.createDirectories(dir);
    Workload w = new Workload(name, seed);
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("initial.jsonl"), StandardCharsets.UTF_8)) {
      for (int i = 0; i < rows; i++) w.insert(out, w.tenant());
    }
    for (int b = 0; b < batches; b++) {
      try (BufferedWriter out = Files.newBufferedWriter(batchFile(dir, b), StandardCharsets.UTF_8)) {
        w.batch(out, events);
      }
    }
    for (int u = 0; u < UPSERTS; u++) {
      try (BufferedWriter out = Files.newBufferedWriter(upsertFile(dir, u), StandardCharsets.UTF_8)) {
        w.smallTenantUpsert(out, TENANTS - 1, UPSERT_EVENTS);
      }
    }
    return batches;
  }

  public static Path batchFile(Path dir, int b) {
    return dir.resolve(String.format("batch-%03d.jsonl", b));
  }

  public static Path upsertFile(Path dir, int u) {
    return dir.resolve(String.format("upsert-%d.jsonl", u));
  }

  private int tenant() {
    int i = Arrays.binarySearch(cumulative, rnd.nextDouble());
    return Math.min(TENANTS - 1, i >= 0 ? i : -i - 1);
  }

  private void batch(BufferedWriter out, int n) throws IOException {
    for (int written = 0; written < n; written++) {
      int t = tenant();
      List<String> ids = live.get(t);
      int p = rnd.nextInt(100);
      if (p < 15 || ids.isEmpty()) {
        insert(out, t);
        continue;
      }
      int pick = rnd.nextInt(ids.size());
      String id = ids.get(pick);
      long v = versions.get(t).get(id);
      if (p < 85 || (p >= 95 && v < 2)) {
        // an update; also when a stale pick finds version 1, which has no older version (an equal
        // one could tie with the key's insert in the same batch)
        versions.get(t).put(id, v + 1);
        event(out, t, id, v + 1, false);
      } else if (p < 95) {
        versions.get(t).put(id, v + 1);
        ids.set(pick, ids.get(ids.size() - 1));
        ids.remove(ids.size() - 1);
        event(out, t, id, v + 1, true);
      } else {
        event(out, t, id, v - 1 - rnd.nextInt((int) Math.min(2, v - 1)), false); // stale: must not win
      }
    }
  }

  /** Updates of the live keys of one (small) tenant, round robin, each a new version. */
  private void smallTenantUpsert(BufferedWriter out, int t, int n) throws IOException {
    List<String> ids = live.get(t);
    for (int i = 0; i < n; i++) {
      if (ids.isEmpty() || i % 10 == 9) {
        insert(out, t);
        continue;
      }
      String id = ids.get(i % ids.size());
      long v = versions.get(t).get(id) + 1;
      versions.get(t).put(id, v);
      event(out, t, id, v, false);
    }
  }

  private void insert(BufferedWriter out, int t) throws IOException {
    String id = "ISSUE-" + (++nextId[t]);
    live.get(t).add(id);
    versions.get(t).put(id, 1L);
    event(out, t, id, 1, false);
  }

  private void event(BufferedWriter out, int t, String id, long version, boolean deleted) throws IOException {
    String summary = "Summary of " + id + " at version " + version;
    StringBuilder sb = new StringBuilder(240);
    sb.append("{\"tenant_id\":\"tenant-").append(t).append("\",\"issue_id\":\"").append(id)
        .append("\",\"_version\":").append(version).append(",\"_deleted\":").append(deleted)
        .append(",\"_event_id\":\"evt-").append(++eventSeq).append('"');
    if (!deleted) {
      String assignee = rnd.nextInt(4) == 0 ? null : "user-" + rnd.nextInt(50);
      sb.append(",\"project\":\"PRJ-").append(id.hashCode() & 7).append("\",\"summary\":\"").append(summary)
          .append("\",\"status\":\"").append(STATUSES[(int) (version % STATUSES.length)]).append('"')
          .append(",\"assignee\":").append(assignee == null ? "null" : "\"" + assignee + "\"")
          .append(",\"priority\":").append(version % 5)
          .append(",\"story_points\":").append(rnd.nextInt(13) * 0.5);
    }
    out.append(sb).append('}').append('\n');
  }
}
