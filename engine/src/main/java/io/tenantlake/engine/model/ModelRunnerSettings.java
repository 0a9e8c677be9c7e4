package io.tenantlake.engine.model;

import com.typesafe.config.Config;

/**
 * {@code tenantlake.model-runner}: the embedded DuckDB of each {@link ModelRunner}.
 *
 * @param threads DuckDB worker threads per runner (micro-batches are small: 1 is usually best)
 * @param memoryLimit bytes DuckDB may use per runner
 */
public record ModelRunnerSettings(int threads, long memoryLimit) {

  public ModelRunnerSettings {
    if (threads < 1) throw new IllegalArgumentException("tenantlake.model-runner.threads must be >= 1");
    if (memoryLimit < (16L << 20)) throw new IllegalArgumentException("tenantlake.model-runner.memory-limit must be >= 16 MiB");
  }

  public static ModelRunnerSettings defaults() {
    return new ModelRunnerSettings(1, 512L << 20);
  }

  /** From {@code tenantlake.model-runner} of the root config, or the defaults where it is absent. */
  public static ModelRunnerSettings fromConfig(Config root) {
    ModelRunnerSettings d = defaults();
    String p = "tenantlake.model-runner.";
    return new ModelRunnerSettings(
        root.hasPath(p + "threads") ? root.getInt(p + "threads") : d.threads(),
        root.hasPath(p + "memory-limit") ? root.getBytes(p + "memory-limit") : d.memoryLimit());
  }
}
