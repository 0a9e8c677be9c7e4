package io.tenantlake.engine.query;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code tenantlake.query}: the limits of tenant SQL queries and the local Parquet cache (see the
 * engine's reference.conf). Checked once at start: a bad value stops the node with its name.
 *
 * @param timeout a running query is interrupted after this long
 * @param memoryLimitBytes DuckDB's {@code memory_limit} per query
 * @param threads DuckDB worker threads per query
 * @param maxRows rows returned by default and at most; more are cut ({@code truncated})
 * @param maxSqlBytes the longest SQL text accepted, in UTF-8 bytes
 * @param maxResultBytes the most bytes of row values one answer carries
 * @param maxConcurrentPerTenant queries running at once for one tenant
 * @param maxConcurrentPerNode queries running at once on the node
 * @param cacheDir the local folder of cached Parquet files and per-query folders
 * @param cacheMaxBytes the most bytes of files the cache keeps
 */
public record QuerySettings(Duration timeout, long memoryLimitBytes, int threads, int maxRows, long maxSqlBytes,
    long maxResultBytes, int maxConcurrentPerTenant, int maxConcurrentPerNode, Path cacheDir, long cacheMaxBytes) {

  public QuerySettings {
    if (timeout == null || timeout.isZero() || timeout.isNegative()) fail("timeout must be positive");
    if (memoryLimitBytes < 16L * 1024 * 1024) fail("memory-limit must be at least 16 MiB");
    if (threads < 1 || threads > 64) fail("threads must be 1..64");
    if (maxRows < 1 || maxRows > 10_000_000) fail("max-rows must be 1..10000000");
    if (maxSqlBytes < 64 || maxSqlBytes > 64L * 1024 * 1024) fail("max-sql-bytes must be 64 B..64 MiB");
    if (maxResultBytes < 1024) fail("max-result-bytes must be at least 1 KiB");
    if (maxConcurrentPerTenant < 1) fail("max-concurrent-per-tenant must be at least 1");
    if (maxConcurrentPerNode < maxConcurrentPerTenant) fail("max-concurrent-per-node must be at least max-concurrent-per-tenant");
    if (cacheDir == null) fail("cache.dir is missing");
    cacheDir = cacheDir.toAbsolutePath().normalize();
    if (cacheMaxBytes < 1024 * 1024) fail("cache.max-bytes must be at least 1 MiB");
  }

  private static void fail(String what) {
    throw new IllegalArgumentException("tenantlake.query." + what);
  }

  /** Reads {@code tenantlake.query} of the root configuration. */
  public static QuerySettings fromConfig(Config root) {
    Config c = root.getConfig("tenantlake.query");
    long sqlBytes = c.getBytes("max-sql-bytes");
    return new QuerySettings(c.getDuration("timeout"), c.getBytes("memory-limit"), c.getInt("threads"),
        c.getInt("max-rows"), sqlBytes, c.getBytes("max-result-bytes"), c.getInt("max-concurrent-per-tenant"),
        c.getInt("max-concurrent-per-node"), cacheDir(c.getString("cache.dir")), c.getBytes("cache.max-bytes"));
  }

  /** The configured folder, or one of this process's own: nodes on one host never share a cache. */
  private static Path cacheDir(String configured) {
    if (!configured.isBlank()) return Path.of(configured);
    return Path.of(System.getProperty("java.io.tmpdir"), "tenantlake-query-" + ProcessHandle.current().pid());
  }

  /** Whether the cache folder is this process's own (then the node removes it when it stops). */
  public static boolean isPerProcess(Config root) {
    return root.getString("tenantlake.query.cache.dir").isBlank();
  }

  /** The same settings with another cache folder (tests and the demo give each node its own). */
  public QuerySettings withCacheDir(Path dir) {
    return new QuerySettings(timeout, memoryLimitBytes, threads, maxRows, maxSqlBytes, maxResultBytes,
        maxConcurrentPerTenant, maxConcurrentPerNode, dir, cacheMaxBytes);
  }

  /** The same settings with other limits on time and rows (tests). */
  public QuerySettings withLimits(Duration newTimeout, int newMaxRows) {
    return new QuerySettings(newTimeout, memoryLimitBytes, threads, newMaxRows, maxSqlBytes, maxResultBytes,
        maxConcurrentPerTenant, maxConcurrentPerNode, cacheDir, cacheMaxBytes);
  }
}
