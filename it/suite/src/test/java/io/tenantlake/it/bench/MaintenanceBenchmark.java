package io.tenantlake.it.bench;

import com.google.protobuf.Any;
import io.delta.kernel.Table;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.utils.CloseableIterator;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.TableLog;
import io.tenantlake.engine.event.Decoded;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.SourceRecord;
import io.tenantlake.engine.maintenance.Compactor;
import io.tenantlake.engine.maintenance.LogCare;
import io.tenantlake.engine.maintenance.MaintenanceSettings;
import io.tenantlake.engine.maintenance.Vacuum;
import io.tenantlake.engine.raw.CheckpointTable;
import io.tenantlake.engine.raw.CommitPolicy;
import io.tenantlake.engine.raw.RawTableWriter;
import io.tenantlake.engine.raw.RecordDecoder;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.testkit.LocalS3;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Files per partition and table-open time of a raw table on S3 (S3Proxy through S3A) after COMMITS
 * raw commits of one event per tenant (what a steady live lane leaves: a file per touched tenant
 * per commit), without maintenance and after it (checkpoint, compaction, log clean-up and VACUUM,
 * the last two with a clock past their retentions). Open time: a fresh Delta Kernel snapshot and
 * the listing of its scan files, median of OPENS opens; also a fresh delta-standalone log.
 * Usage: {@code bin/tenantlake bench maintenance [COMMITS [TENANTS [OPENS]]]}.
 */
public final class MaintenanceBenchmark {
  public static void main(String[] args) throws Exception {
    int commits = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int tenants = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int opens = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    try (LocalS3 s3 = LocalS3.start()) {
      s3.createBucket("bench");
      DeltaStorage storage = DeltaStorage.s3("bench", "maintenance", s3.s3aSettings());
      RawTableWriter writer = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"),
          Runnable::run, Runnable::run);
      MaintenanceSettings settings = MaintenanceSettings.defaults();
      DeltaTable raw = DeltaTable.at(storage, "raw/jira.issue");
      RecordDecoder decoder = new RecordDecoder(new EventValidator(EntityTypeRegistry.defaults()), null, 1 << 20);
      long seq = 0;
      long started = System.nanoTime();
      for (int c = 0; c < commits; c++) {
        List<Decoded> batch = new ArrayList<>();
        for (int t = 0; t < tenants; t++) batch.add(event(decoder, seq++, "tenant-" + t));
        writer.commit(batch);
        // The interval applies from the first commit on, as on a table the maintenance looks after.
        if (c == 0) new LogCare(settings, Clock.systemUTC()).run(storage, raw);
      }
      System.out.printf("ingest: %d commits of %d tenants in %d s%n", commits, tenants, (System.nanoTime() - started) / 1_000_000_000);
      report("without maintenance", storage, raw, s3.s3aSettings(), opens);

      long t0 = System.nanoTime();
      new Compactor(settings, Clock.systemUTC()).compact(storage, raw);
      Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(8));
      new LogCare(settings, later).run(storage, raw);
      new Vacuum(settings, later).run(storage, raw, false);
      System.out.printf("maintenance: compaction, checkpoint + log clean-up, vacuum in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      report("after maintenance", storage, raw, s3.s3aSettings(), opens);
    }
  }

  static Decoded event(RecordDecoder decoder, long seq, String tenant) {
    String id = "I-" + seq;
    byte[] data = ChangeEvent.newBuilder().setEventId("ev-" + seq).setTenantId(tenant).setEntityType("jira.issue")
        .setEntityId(id).setOp(Op.OP_UPDATED).setVersion(1).setEmittedAt(com.google.protobuf.Timestamp.newBuilder()
            .setSeconds(Instant.now().getEpochSecond()))
        .setPayload(Any.pack(Issue.newBuilder().setKey(id).setSummary("summary of " + id).build())).build().toByteArray();
    return decoder.decode(new SourceRecord(new Origin(Lane.LIVE, "tenantlake-jira", "shard-0", String.format("%056d", seq)),
        data, Instant.now())).toCompletableFuture().join();
  }

  static void report(String label, DeltaStorage storage, DeltaTable raw, Map<String, String> s3a, int opens) throws Exception {
    Map<String, Integer> perPartition = new HashMap<>();
    for (DataFile f : raw.liveFiles()) perPartition.merge(f.partitionValues().get("tenant_id"), 1, Integer::sum);
    List<TableLog.LogFile> log = new TableLog(raw, storage).files();
    long json = log.stream().filter(f -> !f.checkpoint()).count();
    long[] kernel = new long[opens];
    long[] standalone = new long[opens];
    Configuration conf = new Configuration();
    s3a.forEach(conf::set);
    long scanFiles = 0;
    for (int i = 0; i < opens; i++) {
      Engine engine = DefaultEngine.create(conf);
      long t = System.nanoTime();
      var snapshot = Table.forPath(engine, raw.location()).getLatestSnapshot(engine);
      scanFiles = 0;
      try (CloseableIterator<FilteredColumnarBatch> it = snapshot.getScanBuilder().build().getScanFiles(engine)) {
        while (it.hasNext()) {
          try (var rows = it.next().getRows()) {
            while (rows.hasNext()) {
              rows.next();
              scanFiles++;
            }
          }
        }
      }
      kernel[i] = (System.nanoTime() - t) / 1_000_000;
      t = System.nanoTime();
      DeltaTable.at(storage, raw.name()).version();
      standalone[i] = (System.nanoTime() - t) / 1_000_000;
    }
    System.out.printf("%s: version %d, %d live files (%d by Kernel), files per partition median %d max %d, "
            + "_delta_log %d JSON + %d checkpoint files; open: Kernel snapshot + file list median %d ms, "
            + "standalone log median %d ms%n",
        label, raw.version(), perPartition.values().stream().mapToInt(Integer::intValue).sum(), scanFiles,
        median(perPartition.values().stream().mapToLong(Integer::longValue).toArray()),
        perPartition.values().stream().mapToInt(Integer::intValue).max().orElse(0), json, log.size() - json,
        median(kernel), median(standalone));
  }

  static long median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v.length == 0 ? 0 : v[v.length / 2];
  }
}
