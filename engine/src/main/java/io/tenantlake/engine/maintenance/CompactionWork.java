package io.tenantlake.engine.maintenance;

/**
 * How much a compaction run does at once ({@code tenantlake.maintenance.compaction}): a live
 * lane leaves a file per tenant per commit, so a run meets thousands of partitions of small files,
 * and doing them one read and one commit at a time is what makes it fall behind.
 *
 * @param parallelism bins rewritten at the same time (each reads its files and writes one file)
 * @param maxBytesInFlight file bytes of the bins being rewritten at once, at most: bounds the heap
 *     (a bin's rows are held while it is rewritten); a bin larger than this runs alone
 * @param partitionsPerCommit partitions swapped in one commit: fewer, larger commits keep the log
 *     short; a partition whose files a concurrent rewrite removed is dropped from its commit alone
 */
public record CompactionWork(int parallelism, long maxBytesInFlight, int partitionsPerCommit) {
  private static final String P = "tenantlake.maintenance.compaction.";

  public CompactionWork {
    if (parallelism < 1 || parallelism > 64) throw new IllegalArgumentException(P + "parallelism must be 1..64");
    if (maxBytesInFlight < 1 << 20) throw new IllegalArgumentException(P + "max-bytes-in-flight must be at least 1 MiB");
    if (partitionsPerCommit < 1 || partitionsPerCommit > 10_000) {
      throw new IllegalArgumentException(P + "partitions-per-commit must be 1..10000");
    }
  }

  /** Work units of a bin of {@code bytes} for the in-flight bound (MiB, at least 1, at most all). */
  int permits(long bytes) {
    long mib = Math.max(1, (bytes + (1 << 20) - 1) >> 20);
    return (int) Math.min(mib, totalPermits());
  }

  int totalPermits() {
    return (int) Math.min(Integer.MAX_VALUE, maxBytesInFlight >> 20);
  }
}
