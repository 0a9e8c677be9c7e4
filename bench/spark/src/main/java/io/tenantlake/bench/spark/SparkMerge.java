package io.tenantlake.bench.spark;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark side: a Delta table partitioned by tenant_id like tenantlake's refined tables, and per
 * micro-batch the batch file read, deduplicated per key (highest version) and merged with
 * {@code MERGE INTO ... WHEN MATCHED AND s._version > t._version}. Deletes are tombstones, as in
 * tenantlake (a row with {@code _deleted} and null model columns that keeps the version, so a
 * stale event cannot bring the key back): both tables then hold the same rows.
 */
final class SparkMerge {
  static final StructType SCHEMA = new StructType()
      .add("tenant_id", DataTypes.StringType)
      .add("issue_id", DataTypes.StringType)
      .add("project", DataTypes.StringType)
      .add("summary", DataTypes.StringType)
      .add("status", DataTypes.StringType)
      .add("assignee", DataTypes.StringType)
      .add("priority", DataTypes.IntegerType)
      .add("story_points", DataTypes.DoubleType)
      .add("_version", DataTypes.LongType)
      .add("_deleted", DataTypes.BooleanType)
      .add("_event_id", DataTypes.StringType);

  static final String MERGE = "MERGE INTO delta.`%s` t USING s"
      + " ON t.tenant_id = s.tenant_id AND t.issue_id = s.issue_id"
      + " WHEN MATCHED AND s._version > t._version THEN UPDATE SET *"
      + " WHEN NOT MATCHED THEN INSERT *";

  /** One merge's wall time and Delta's own metrics of it. */
  record Result(long millis, long rowsCopied, long filesRemoved, long filesAdded, long dvs) {}

  private final SparkSession spark;
  private final String path;

  SparkMerge(SparkSession spark, Path table) {
    this.spark = spark;
    this.path = table.toAbsolutePath().toString();
  }

  /**
   * tenantlake's own local file system (engine's, put on this class path by the bench command):
   * Hadoop's forks a chmod process for every file it writes when its native library is absent, as
   * here, which would make Spark pay on local disk a cost that tenantlake avoids (and S3 does not have).
   */
  static final String FORKLESS_FS = "io.tenantlake.engine.delta.impl.ForklessLocalFileSystem";

  static boolean forkless() {
    try {
      Class.forName(FORKLESS_FS);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  static SparkSession session() {
    SparkSession.Builder b = SparkSession.builder();
    if (forkless()) b = b.config("spark.hadoop.fs.file.impl", FORKLESS_FS);
    return b.master("local[2]").appName("tenantlake-bench-spark")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        // 2 cores: 200 shuffle partitions would be 200 tasks of almost nothing each
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate();
  }

  void create(Path initial, boolean deletionVectors) {
    spark.sql("CREATE TABLE delta.`" + path + "` (tenant_id STRING, issue_id STRING, project STRING, summary STRING,"
        + " status STRING, assignee STRING, priority INT, story_points DOUBLE, _version BIGINT, _deleted BOOLEAN,"
        + " _event_id STRING) USING delta PARTITIONED BY (tenant_id)"
        + " TBLPROPERTIES ('delta.enableDeletionVectors' = '" + deletionVectors + "')");
    spark.read().schema(SCHEMA).json(initial.toString()).write().format("delta").mode("append").save(path);
  }

  Result merge(Path batch) {
    long start = System.nanoTime();
    Dataset<Row> events = spark.read().schema(SCHEMA).json(batch.toString());
    events.createOrReplaceTempView("batch");
    spark.sql("SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY tenant_id, issue_id ORDER BY _version DESC) AS rn"
        + " FROM batch) WHERE rn = 1").drop("rn").createOrReplaceTempView("s");
    spark.sql(String.format(MERGE, path));
    long millis = (System.nanoTime() - start) / 1_000_000;
    Row last = spark.sql("DESCRIBE HISTORY delta.`" + path + "` LIMIT 1").select("operationMetrics").first();
    Map<String, String> m = scala.jdk.javaapi.CollectionConverters.asJava(last.<String, String>getMap(0));
    return new Result(millis, metric(m, "numTargetRowsCopied"), metric(m, "numTargetFilesRemoved"),
        metric(m, "numTargetFilesAdded"), metric(m, "numTargetDeletionVectorsAdded"));
  }

  private static long metric(Map<String, String> m, String name) {
    String v = m.get(name);
    return v == null ? -1 : Long.parseLong(v);
  }

  String path() { return path; }

}
