package io.tenantlake.api.metrics;

import io.tenantlake.engine.ingest.IngestMetrics;

/**
 * The live lane and the raw writer, read from the lanes running on this node at scrape time
 * ({@code tenantlake_ingest_writer} is 0 and the rest absent on a node that is not the writer).
 */
final class IngestCollector extends SourcesCollector {
  private final int topTenants;

  IngestCollector(MetricSources sources, int topTenants) {
    super(sources);
    this.topTenants = topTenants;
  }

  @Override
  void collect(Families f) {
    var lanes = sources.ingest();
    f.gauge("tenantlake_ingest_writer", "1 when the cluster's ingest lanes (the writer of every table) run on this node")
        .point(lanes.isPresent() ? 1 : 0).add();
    lanes.ifPresent(m -> collect(m, f));
  }

  private void collect(IngestMetrics m, Families f) {
    var read = f.counter("tenantlake_ingest_records_read", "Kinesis records read by the live lane, per shard");
    m.recordsByShard().forEach((key, n) -> read.point(n, shardLabels(key)));
    read.add();
    var lag = f.gauge("tenantlake_ingest_millis_behind_latest",
        "MillisBehindLatest of the shard's last GetRecords answer: how far the live lane is behind the shard's tip");
    m.lagByShard().forEach((key, ms) -> lag.point(ms, shardLabels(key)));
    lag.add();
    f.counter("tenantlake_ingest_backfill_records_read", "records taken from the throttled lanes (bootstrap, import)")
        .point(m.backfillRead.sum()).add();
    f.counter("tenantlake_raw_events_committed", "events committed to the raw tables").point(m.eventsCommitted.sum()).add();
    var dead = f.counter("tenantlake_raw_dead_letters", "records filed in the deadletter table, by kind of reason");
    m.deadLetterReasons.byKind().forEach((kind, n) -> dead.point(n, "reason", kind));
    dead.add();
    f.counter("tenantlake_raw_skipped_as_committed", "records read again below a committed position (a replay), not written")
        .point(m.skippedAsCommitted.sum()).add();
    var dups = f.counter("tenantlake_raw_duplicates_dropped",
        "events not written: their raw table held their event id with the same content");
    m.duplicatesByTable().forEach((table, n) -> dups.point(n, "table", table));
    dups.add();
    f.counter("tenantlake_raw_id_conflicts", "events written although their event id was held with other content")
        .point(m.idConflicts.sum()).add();
    f.counter("tenantlake_raw_commits", "Delta transactions committed to raw tables").point(m.commits.sum()).add();
    f.histogram("tenantlake_raw_commit_cycle_seconds",
            "wall time of one raw commit cycle: every table's transaction of the batch and the checkpoint")
        .point(m.commitDuration.snapshot()).add();
    if (topTenants > 0) {
      var tenants = f.counter("tenantlake_raw_tenant_events",
          "events committed to raw for the top tenants by volume (tenantlake.metrics.top-tenants; an upper bound)");
      m.tenants.top(topTenants).forEach(e -> tenants.point(e.count(), "tenant", e.tenant()));
      tenants.add();
    }
  }

  /** {@code stream/shardId} as labels. */
  private static String[] shardLabels(String key) {
    int slash = key.lastIndexOf('/');
    return new String[] {"stream", key.substring(0, slash), "shard", key.substring(slash + 1)};
  }
}
