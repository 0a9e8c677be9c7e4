package io.tenantlake.engine.maintenance;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code tenantlake.maintenance}: when the table-care tasks run and their limits (see the engine's
 * reference.conf). Read once at start and checked: a bad value stops the node with its name.
 *
 * @param enabled whether the writer node runs the tasks on their schedules (on-demand runs work either way)
 * @param schedules per task, the pause between the end of one run and the start of the next
 * @param initialDelay the pause after the writer starts before the first scheduled runs
 * @param targetFileBytes compaction writes files of about this size
 * @param candidateFileBytes files smaller than this are compaction candidates
 * @param minFilesToCompact a partition is compacted only when it has at least this many candidates
 * @param refinedQuietPeriod a refined partition is compacted only when no file of it is younger
 *     (the merge folds small files of the partitions it touches itself)
 * @param maxCommitAttempts a compaction or purge commit that loses a race is retried this often on
 *     the new snapshot before that partition is given up until the next run
 * @param compactionWork how many bins a compaction rewrites at once and partitions it commits together
 * @param vacuumRetention per table kind, how long removed data files stay (time travel window)
 * @param checkpointInterval a checkpoint every this many commits ({@code delta.checkpointInterval})
 * @param logRetention commits older than this (and older than the latest checkpoint) are deleted
 *     from {@code _delta_log} ({@code delta.logRetentionDuration})
 * @param tombstoneRetention refined tombstones older than this (by {@code _updated_at}) are purged
 * @param dryRun scheduled VACUUM runs only list what they would delete
 */
public record MaintenanceSettings(boolean enabled, Map<Task, Duration> schedules, Duration initialDelay,
    long targetFileBytes, long candidateFileBytes, int minFilesToCompact, Duration refinedQuietPeriod,
    int maxCommitAttempts, CompactionWork compactionWork, Map<TableKind, Duration> vacuumRetention, int checkpointInterval,
    Duration logRetention, Duration tombstoneRetention, boolean dryRun) {

  /** The tasks, by the names the schedules and the admin routes use. */
  public enum Task {
    COMPACT("compact"), VACUUM("vacuum"), CHECKPOINT("checkpoint"), PURGE_TOMBSTONES("purge-tombstones");

    private final String label;

    Task(String label) { this.label = label; }

    public String label() { return label; }

    public static java.util.Optional<Task> ofLabel(String label) {
      for (Task t : values()) if (t.label.equals(label)) return java.util.Optional.of(t);
      return java.util.Optional.empty();
    }
  }

  /** Kinds of tables, by name: their VACUUM retention is set apart. */
  public enum TableKind {
    RAW("raw"), REFINED("refined"), DEADLETTER("deadletter"), CHECKPOINTS("checkpoints");

    private final String label;

    TableKind(String label) { this.label = label; }

    public String label() { return label; }

    public static TableKind of(String tableName) {
      if (tableName.startsWith("raw/")) return RAW;
      if (tableName.startsWith("refined/")) return REFINED;
      if (tableName.startsWith("_checkpoints/")) return CHECKPOINTS;
      return DEADLETTER;
    }
  }

  private static final String P = "tenantlake.maintenance.";

  public MaintenanceSettings {
    schedules = Map.copyOf(schedules);
    for (Task t : Task.values()) {
      Duration d = schedules.get(t);
      if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(P + "schedule." + t.label + " must be positive");
    }
    if (initialDelay.isNegative()) throw new IllegalArgumentException(P + "initial-delay is negative");
    if (targetFileBytes < 1 << 20) throw new IllegalArgumentException(P + "compaction.target-file-size must be at least 1 MiB");
    if (candidateFileBytes < 1 || candidateFileBytes > targetFileBytes) {
      throw new IllegalArgumentException(P + "compaction.candidate-file-size must be 1 B..target-file-size");
    }
    if (minFilesToCompact < 2) throw new IllegalArgumentException(P + "compaction.min-files must be at least 2");
    if (refinedQuietPeriod.isNegative()) throw new IllegalArgumentException(P + "compaction.refined-quiet-period is negative");
    if (maxCommitAttempts < 1 || maxCommitAttempts > 100) {
      throw new IllegalArgumentException(P + "compaction.max-commit-attempts must be 1..100");
    }
    vacuumRetention = Map.copyOf(vacuumRetention);
    for (TableKind k : TableKind.values()) {
      Duration d = vacuumRetention.get(k);
      // Shorter than an hour could delete the files of a commit still being written.
      if (d == null || d.compareTo(Duration.ofHours(1)) < 0) {
        throw new IllegalArgumentException(P + "vacuum.retention." + k.label + " must be at least 1h");
      }
    }
    if (checkpointInterval < 1 || checkpointInterval > 10_000) {
      throw new IllegalArgumentException(P + "checkpoint.interval must be 1..10000 commits");
    }
    if (logRetention.compareTo(Duration.ofHours(1)) < 0) {
      throw new IllegalArgumentException(P + "checkpoint.log-retention must be at least 1h");
    }
    if (tombstoneRetention.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalArgumentException(P + "tombstones.retention must be at least 1d");
    }
  }

  public Duration schedule(Task task) { return schedules.get(task); }

  public Duration vacuumRetention(String tableName) { return vacuumRetention.get(TableKind.of(tableName)); }

  public static MaintenanceSettings fromConfig(Config root) {
    Config c = root.getConfig("tenantlake.maintenance");
    Map<Task, Duration> schedules = new EnumMap<>(Task.class);
    for (Task t : Task.values()) schedules.put(t, c.getDuration("schedule." + t.label));
    Map<TableKind, Duration> retention = new EnumMap<>(TableKind.class);
    for (TableKind k : TableKind.values()) retention.put(k, c.getDuration("vacuum.retention." + k.label));
    return new MaintenanceSettings(c.getBoolean("enabled"), schedules, c.getDuration("initial-delay"),
        c.getBytes("compaction.target-file-size"), c.getBytes("compaction.candidate-file-size"),
        c.getInt("compaction.min-files"), c.getDuration("compaction.refined-quiet-period"),
        c.getInt("compaction.max-commit-attempts"), new CompactionWork(c.getInt("compaction.parallelism"),
            c.getBytes("compaction.max-bytes-in-flight"), c.getInt("compaction.partitions-per-commit")), retention, c.getInt("checkpoint.interval"),
        c.getDuration("checkpoint.log-retention"), c.getDuration("tombstones.retention"), c.getBoolean("vacuum.dry-run"));
  }

  /** The defaults of reference.conf: for tests and tools. */
  public static MaintenanceSettings defaults() {
    return fromConfig(com.typesafe.config.ConfigFactory.defaultReference());
  }

  /**
   * The defaults with some settings overridden, in HOCON relative to {@code tenantlake.maintenance}
   * (e.g. {@code "checkpoint.interval = 50"}): for tests and tools.
   */
  public static MaintenanceSettings withOverrides(String hocon) {
    Config overrides = com.typesafe.config.ConfigFactory.parseString(hocon).atPath("tenantlake.maintenance");
    return fromConfig(overrides.withFallback(com.typesafe.config.ConfigFactory.defaultReference()));
  }
}
