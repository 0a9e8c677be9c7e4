package io.tenantlake.engine.refined;

/**
 * How the merge flow lays out a refined table's files.
 *
 * @param targetFileBytes a rewritten or new file is cut at about this size (Parquet's estimate);
 *     smaller files mean fewer rows copied per changed entity, larger ones fewer files
 * @param smallFileBytes a live file under this size counts as small
 * @param maxSmallFiles how many small files a partition may hold after a merge: when a merge that
 *     writes into a partition would leave more, it folds all of that partition's small files into
 *     its output (one read and one write of data it holds anyway, instead of a compaction later)
 * @param writeParallelism how many partitions a merge reads and writes at once
 */
public record MergePolicy(long targetFileBytes, long smallFileBytes, int maxSmallFiles, int writeParallelism) {
  public MergePolicy {
    if (targetFileBytes < 64 * 1024) throw new IllegalArgumentException("targetFileBytes must be >= 64 KiB");
    if (smallFileBytes < 0 || smallFileBytes > targetFileBytes) {
      throw new IllegalArgumentException("smallFileBytes must be between 0 and targetFileBytes");
    }
    if (maxSmallFiles < 1) throw new IllegalArgumentException("maxSmallFiles must be >= 1");
    if (writeParallelism < 1) throw new IllegalArgumentException("writeParallelism must be >= 1");
  }

  /**
   * 32 MiB files, files under 8 MiB are small, at most 4 small files per partition, one partition
   * at a time per core (on S3, where uploads wait on the network, raise the parallelism).
   */
  public static MergePolicy defaults() {
    return new MergePolicy(32L << 20, 8L << 20, 4, Runtime.getRuntime().availableProcessors());
  }

  public MergePolicy withTargetFileBytes(long bytes) {
    return new MergePolicy(bytes, Math.min(smallFileBytes, bytes), maxSmallFiles, writeParallelism);
  }

  public MergePolicy withSmallFiles(long bytes, int max) {
    return new MergePolicy(targetFileBytes, bytes, max, writeParallelism);
  }

  public MergePolicy withWriteParallelism(int parallelism) {
    return new MergePolicy(targetFileBytes, smallFileBytes, maxSmallFiles, parallelism);
  }

  /** From a config block with target-file-size, small-file-size, max-small-files, write-parallelism. */
  public static MergePolicy fromConfig(com.typesafe.config.Config c) {
    return new MergePolicy(c.getBytes("target-file-size"), c.getBytes("small-file-size"), c.getInt("max-small-files"),
        c.getInt("write-parallelism"));
  }
}
