package io.tenantlake.engine.ingest;

import io.tenantlake.engine.event.Decoded;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.SourceRecord;
import io.tenantlake.engine.kinesis.KinesisSourceSettings;
import io.tenantlake.engine.kinesis.KinesisStreamSource;
import io.tenantlake.engine.kinesis.ShardBatch;
import io.tenantlake.engine.raw.CommitPolicy;
import io.tenantlake.engine.raw.RawTableWriter;
import io.tenantlake.engine.raw.RecordDecoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The live lane from Kinesis to the raw tables: every shard of the given streams, decoded (claim
 * checks fetched in parallel, order kept), batched by the commit policy, and committed by the
 * {@link RawTableWriter} one batch at a time. Emits what each commit made durable.
 */
public final class RawIngest {
  private RawIngest() {}

  public static Source<RawTableWriter.CycleResult, NotUsed> live(KinesisAsyncClient kinesis, List<String> streams,
      KinesisSourceSettings sourceSettings, RecordDecoder decoder, RawTableWriter writer, CommitPolicy policy,
      int decodeParallelism, Executor blockingIo, IngestMetrics metrics) {
    return lanes(kinesis, streams, sourceSettings, Source.empty(), decoder, writer, policy, decodeParallelism,
        blockingIo, metrics);
  }

  /**
   * The live lane merged with the throttled backfill lanes: when both have records, live goes
   * first, so a backfill waits under load and live does not.
   */
  public static Source<RawTableWriter.CycleResult, NotUsed> lanes(KinesisAsyncClient kinesis, List<String> streams,
      KinesisSourceSettings sourceSettings, Source<SourceRecord, NotUsed> backfill, RecordDecoder decoder,
      RawTableWriter writer, CommitPolicy policy, int decodeParallelism, Executor blockingIo, IngestMetrics metrics) {
    Map<String, String> resume = writer.resumePositions();
    Source<ShardBatch, NotUsed> batches = Source.empty();
    for (String stream : streams) {
      Map<String, String> byShard = new HashMap<>();
      resume.forEach((key, seq) -> {
        if (key.startsWith(stream + "/")) byShard.put(key.substring(stream.length() + 1), seq);
      });
      batches = batches.merge(KinesisStreamSource.create(kinesis, stream, byShard, sourceSettings));
    }
    return batches
        .mapConcat(batch -> toRecords(batch, metrics))
        .mergePreferred(backfill.map(r -> {
          metrics.backfillRead.increment();
          return r;
        }), false, false)
        .via(decodeAndCommit(decoder, writer, policy, decodeParallelism, blockingIo, metrics));
  }

  /**
   * Decode, batch by the policy, commit: the part every lane shares. A record's events (several
   * when the intake packed them) stay together in one batch: they share the record's position, and
   * a position is committed whole or not at all.
   */
  public static Flow<SourceRecord, RawTableWriter.CycleResult, NotUsed> decodeAndCommit(RecordDecoder decoder,
      RawTableWriter writer, CommitPolicy policy, int decodeParallelism, Executor blockingIo, IngestMetrics metrics) {
    return Flow.<SourceRecord>create()
        .mapAsync(decodeParallelism, decoder::decodeAll)
        .via(RecordBatches.flow(policy))
        .mapAsync(1, batch -> CompletableFuture.supplyAsync(() -> {
          RawTableWriter.CycleResult committed = writer.commit(batch);
          // counted once committed: a failed cycle is read and counted again after the restart
          for (Decoded d : batch) {
            if (d instanceof Decoded.Dead dead) metrics.deadLetterReasons.count(dead.letter().reason());
          }
          return committed;
        }, blockingIo))
        .map(result -> {
          metrics.commitDuration.observeMillis(result.millis());
          countTenants(result, metrics);
          metrics.eventsCommitted.add(result.events());
          metrics.deadLetters.add(result.deadLetters());
          metrics.skippedAsCommitted.add(result.skippedAsCommitted());
          metrics.duplicates(result.duplicatesByTable());
          metrics.idConflicts.add(result.conflicts());
          metrics.commits.add(result.commits());
          metrics.commitMillis.add(result.millis());
          return result;
        });
  }



  private static void countTenants(RawTableWriter.CycleResult result, IngestMetrics metrics) {
    Map<String, Long> byTenant = new HashMap<>();
    result.committedByTable().values().forEach(events -> events.forEach(e ->
        byTenant.merge(e.event().getTenantId(), 1L, Long::sum)));
    byTenant.forEach(metrics.tenants::add);
  }

  private static List<SourceRecord> toRecords(ShardBatch batch, IngestMetrics metrics) {
    metrics.read(batch.stream(), batch.shardId(), batch.millisBehindLatest(), batch.records().size());
    List<SourceRecord> out = new ArrayList<>(batch.records().size());
    for (var r : batch.records()) {
      Instant arrived = r.approximateArrivalTimestamp() == null ? Instant.now() : r.approximateArrivalTimestamp();
      out.add(new SourceRecord(new Origin(Lane.LIVE, batch.stream(), batch.shardId(), r.sequenceNumber()),
          r.data().asByteArrayUnsafe(), arrived, null, batch.hashRange()));
    }
    return out;
  }
}
