package io.tenantlake.sharding;

import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.FileRowCache;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.engine.metrics.MergeMetrics;
import io.tenantlake.engine.metrics.RefinedMetrics;
import io.tenantlake.engine.model.ModelRunner;
import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import io.tenantlake.engine.refined.EntityRows;
import io.tenantlake.engine.refined.MergeCommitPolicy;
import io.tenantlake.engine.refined.MergePolicy;
import io.tenantlake.engine.refined.MergeReport;
import io.tenantlake.engine.maintenance.TooLateLetters;
import io.tenantlake.engine.refined.RefinedTableWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * From committed raw events to refined tables: each raw commit's events go to their tenants'
 * entities (last-write-wins in flight), the winners through the SQL models, and each model's rows
 * into its refined table in one batched copy-on-write merge, with the raw positions as the merge's
 * watermark. Then the entities hear what is committed. One batch at a time (backpressure).
 */
public final class RefinedPipeline {
  private static final Logger log = LoggerFactory.getLogger(RefinedPipeline.class);

  private final TenantSharding sharding;
  private final ModelRunner models;
  private final Map<String, RefinedTableWriter> writers;
  private final Map<String, Long> nextTxn = new HashMap<>();
  /** Per model, how far into the raw tables it holds everything. */
  private final Map<String, RefinedWatermark> watermarks = new java.util.concurrent.ConcurrentHashMap<>();
  private final Executor cycleIo;
  private final Executor mergeIo;
  private final FileRowCache rowCache;
  /** Dead-letters what a merge dropped as too late (after a tombstone purge). */
  private final TooLateLetters tooLate;
  /** This incarnation of the pipeline, for the tenant entities ({@link TenantEntity.Apply#epoch()}). */
  private final String epoch = java.util.UUID.randomUUID().toString();
  private final RefinedMetrics metrics;
  /** Raw events committed and handed to this pipeline, not merged yet (the merge backlog). */
  private final java.util.concurrent.atomic.AtomicLong waiting = new java.util.concurrent.atomic.AtomicLong();

  private RefinedPipeline(TenantSharding sharding, ModelRunner models, Map<String, RefinedTableWriter> writers,
      Executor cycleIo, Executor mergeIo, FileRowCache rowCache, RefinedMetrics metrics, TooLateLetters tooLate) {
    this.tooLate = tooLate;
    this.rowCache = rowCache;
    this.metrics = metrics;
    metrics.backlogFrom(waiting::get);
    this.sharding = sharding;
    this.models = models;
    this.writers = writers;
    this.cycleIo = cycleIo;
    this.mergeIo = mergeIo;
    writers.forEach((model, w) -> {
      nextTxn.put(model, w.lastTxnVersion() + 1);
      watermarks.put(model, w.lastWatermark().map(RefinedWatermark::parse).orElse(RefinedWatermark.NONE));
    });
  }

  /**
   * Opens (creating or widening) every model's refined table. Blocking IO. Three pools, never
   * shared, so that no task waits for a task queued behind it: {@code cycleIo} runs one batch at a
   * time (models, then waiting for the merges), {@code mergeIo} runs the models' merges (a thread
   * per model is enough), {@code partitionIo} the partition rewrites inside a merge.
   */
  public static RefinedPipeline open(TenantSharding sharding, ModelRunner models, DeltaStorage storage,
      MergePolicy policy, Executor cycleIo, Executor mergeIo, Executor partitionIo) {
    return open(sharding, models, storage, policy, cycleIo, mergeIo, partitionIo, FileRowCache.disabled(),
        new RefinedMetrics());
  }

  /**
   * As above, the writers keeping the rows of the files they write and read in {@code rowCache},
   * and counting into the node's {@code metrics} (which outlive this pipeline).
   */
  public static RefinedPipeline open(TenantSharding sharding, ModelRunner models, DeltaStorage storage,
      MergePolicy policy, Executor cycleIo, Executor mergeIo, Executor partitionIo, FileRowCache rowCache,
      RefinedMetrics metrics) {
    Map<String, RefinedTableWriter> writers = new LinkedHashMap<>();
    models.schemas().forEach((name, schema) ->
        writers.put(name, RefinedTableWriter.open(storage, schema, policy, partitionIo, rowCache)));
    log.info("refined pipeline: models {} into {}", writers.keySet(), storage.root());
    return new RefinedPipeline(sharding, models, writers, cycleIo, mergeIo, rowCache, metrics, new TooLateLetters(storage));
  }

  public Map<String, RefinedTableWriter> writers() {
    return writers;
  }

  /** Passes each raw cycle on once its events are merged into the refined tables, one at a time. */
  public Flow<CycleResult, CycleResult, NotUsed> flow() {
    return flow(MergeCommitPolicy.defaults());
  }

  /**
   * As {@link #flow()}, merges committing by the policy. Each raw cycle goes to its tenants'
   * entities at once (so the tenant state shows its events in flight), then waits to be merged:
   * the cycles routed while a merge runs (and, with a max-age, for that long after the first) are
   * merged as one, not queued one by one (each would rewrite every partition it touches).
   */
  public Flow<CycleResult, CycleResult, NotUsed> flow(MergeCommitPolicy policy) {
    return Flow.<CycleResult>create()
        .flatMapConcat(this::routed)
        .via(io.tenantlake.engine.refined.MergeBatches.flow(policy, RoutedCycle::cycle, RoutedCycle::andThen))
        .mapAsync(1, batch -> CompletableFuture.supplyAsync(() -> {
          apply(batch);
          waiting.addAndGet(-batch.cycle().events());
          return batch.cycle();
        }, cycleIo));
  }

  /** Raw cycles after their tenant entities: the winners to merge, and how long routing took. */
  private record RoutedCycle(CycleResult cycle, List<RawEvent> winners, int tenants, long routingNanos) {
    RoutedCycle andThen(RoutedCycle later) {
      List<RawEvent> all = new ArrayList<>(winners);
      all.addAll(later.winners);
      return new RoutedCycle(cycle.andThen(later.cycle), all, tenants + later.tenants, routingNanos + later.routingNanos);
    }
  }

  private Source<RoutedCycle, NotUsed> routed(CycleResult cycle) {
    List<RawEvent> events = new ArrayList<>();
    cycle.committedByTable().values().forEach(events::addAll);
    waiting.addAndGet(events.size());
    if (events.isEmpty()) return Source.single(new RoutedCycle(cycle, List.of(), 0, 0));
    long started = System.nanoTime();
    return Source.single(events)
        .via(sharding.router(epoch))
        .fold(new ArrayList<TenantRouter.Routed>(), (all, routed) -> {
          all.add(routed);
          return all;
        })
        .map(routed -> {
          List<RawEvent> winners = new ArrayList<>();
          routed.forEach(r -> winners.addAll(r.winners()));
          return new RoutedCycle(cycle, winners, routed.size(), System.nanoTime() - started);
        });
  }

  private List<MergeReport> apply(RoutedCycle batch) {
    CycleResult cycle = batch.cycle();
    List<RawEvent> winners = batch.winners();
    if (winners.isEmpty()) return List.of();
    long modelling = System.nanoTime();
    ModelRunner.Result result;
    synchronized (models) {
      result = models.runIsolating(winners);
    }
    // A payload a model cannot read must not stop the others: its entity is skipped, named here.
    result.failures().forEach(f -> log.warn("model {}: event skipped: {}", f.model(), f.describe()));
    Map<String, List<EntityRows>> byModel = result.rows();
    long modelled = System.nanoTime();
    List<CompletableFuture<MergeReport>> merges = new ArrayList<>();
    byModel.forEach((model, rows) -> {
      RefinedTableWriter writer = writers.get(model);
      if (writer == null || rows.isEmpty()) return;
      long txn = nextTxn.merge(model, 1L, Long::sum) - 1;
      RefinedWatermark watermark = watermarks.getOrDefault(model, RefinedWatermark.NONE).advance(cycle);
      merges.add(CompletableFuture.supplyAsync(() -> {
        MergeReport report = writer.merge(rows, txn, watermark.toJson());
        watermarks.put(model, watermark);
        return report;
      }, mergeIo));
    });
    List<MergeReport> reports = new ArrayList<>();
    for (CompletableFuture<MergeReport> m : merges) {
      try {
        reports.add(m.join());
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    reports.forEach(r -> log.debug(r.line()));
    count(reports, winners);
    tooLate.write(reports, winners);
    tellCommitted(winners);
    long merged = System.nanoTime();
    log.info("refined batch: {} events, {} winners, {} tenants; routed in {} ms, models {} ms, merges {} ms (slowest {}); {}",
        cycle.events(), winners.size(), batch.tenants(), batch.routingNanos() / 1_000_000, (modelled - modelling) / 1_000_000,
        (merged - modelled) / 1_000_000, reports.stream().max(java.util.Comparator.comparingLong(MergeReport::millis))
            .map(MergeReport::table).orElse("-"), rowCache);
    return reports;
  }

  /** The merges into the node's metrics, and how old each winner is now that it is visible. */
  private void count(List<MergeReport> reports, List<RawEvent> winners) {
    for (MergeReport r : reports) {
      MergeMetrics m = metrics.table(r.table());
      if (r.alreadyCommitted()) {
        m.alreadyCommitted.increment();
        continue;
      }
      m.commits.increment();
      m.duration.observeMillis(r.millis());
      m.entitiesApplied.add(r.entitiesApplied());
      m.rowsWritten.add(r.rowsWritten());
      m.rowsCopied.add(r.rowsCopied());
      m.filesRead.add(r.filesRead());
      m.filesAdded.add(r.filesAdded());
      m.filesRemoved.add(r.filesRemoved());
    }
    long now = System.currentTimeMillis();
    for (RawEvent e : winners) {
      if (e.event().hasEmittedAt()) {
        var at = e.event().getEmittedAt();
        metrics.freshnessFromEmitted.observeMillis(now - (at.getSeconds() * 1000 + at.getNanos() / 1_000_000));
      }
      if (e.ingestedAt() != null) metrics.freshnessFromIngested.observeMillis(now - e.ingestedAt().toEpochMilli());
    }
  }

  /** The entities may forget what the refined tables now hold. */
  private void tellCommitted(List<RawEvent> winners) {
    Map<String, Map<String, Long>> byTenant = new HashMap<>();
    for (RawEvent e : winners) {
      byTenant.computeIfAbsent(e.event().getTenantId(), t -> new HashMap<>())
          .merge(InFlightEvent.key(e.event().getEntityType(), e.event().getEntityId()), e.event().getVersion(), Math::max);
    }
    byTenant.forEach((tenant, versions) -> sharding.ref(tenant).tell(new TenantEntity.Committed(versions)));
  }

  /**
   * Re-applies what the raw tables hold past the refined tables' watermarks: events a crash left
   * committed to raw but not merged. Runs before the live lane starts; blocking; returns the number
   * of events read back. Chunks carry no positions, so a crash during recovery leaves the
   * watermarks where they were and the next start recovers again.
   */
  public long recover(DeltaStorage storage, org.apache.pekko.stream.Materializer materializer) {
    long started = System.nanoTime();
    long total = 0;
    for (String entityType : models.catalog().entityTypes()) {
      // The lowest point among the models this type feeds: a shard missing from one is replayed whole.
      RefinedWatermark bound = RefinedWatermark.lowest(models.catalog().forEntityType(entityType).stream()
          .map(def -> watermarks.getOrDefault(def.name(), RefinedWatermark.NONE)).toList());
      String table = io.tenantlake.engine.raw.RawTables.rawTableName(entityType);
      long n = RawReplay.eventsAfter(storage, entityType, bound.positions(), bound.rawVersion(table), 20_000, chunk -> {
        CycleResult replay = new CycleResult(Map.of(table, chunk), 0, 0, 0, 0, Map.of(), Map.of());
        Source.single(replay).via(flow()).runWith(org.apache.pekko.stream.javadsl.Sink.ignore(), materializer)
            .toCompletableFuture().join();
      });
      if (n > 0) log.info("refined recovery: re-applied {} events of {} past the watermarks", n, table);
      total += n;
    }
    log.info("refined recovery: {} events re-applied in {} ms", total, (System.nanoTime() - started) / 1_000_000);
    return total;
  }
}
