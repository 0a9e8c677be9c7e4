package io.tenantlake.api.metrics;

import io.tenantlake.engine.metrics.MergeMetrics;
import io.tenantlake.engine.metrics.RefinedMetrics;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The refined merges per table, freshness, and (on the writer) the merge backlog. The counts live
 * in the node's {@link RefinedMetrics}, so they go on across the pipelines the node opens.
 */
final class RefinedCollector extends SourcesCollector {
  RefinedCollector(MetricSources sources) {
    super(sources);
  }

  @Override
  void collect(Families f) {
    sources.refined().ifPresent(m -> collect(m, f));
  }

  private void collect(RefinedMetrics m, Families f) {
    Map<String, MergeMetrics> tables = m.tables();
    perTable(f, tables, "tenantlake_refined_merge_commits", "copy-on-write MERGE commits", t -> t.commits.sum());
    perTable(f, tables, "tenantlake_refined_merges_already_committed",
        "merges found committed before (a retry after a crash), nothing changed", t -> t.alreadyCommitted.sum());
    perTable(f, tables, "tenantlake_refined_entities_applied", "entities whose rows a merge replaced or tombstoned",
        t -> t.entitiesApplied.sum());
    perTable(f, tables, "tenantlake_refined_rows_written", "rows of applied updates (tombstones included)",
        t -> t.rowsWritten.sum());
    perTable(f, tables, "tenantlake_refined_rows_copied", "rows copied unchanged from rewritten files",
        t -> t.rowsCopied.sum());
    perTable(f, tables, "tenantlake_refined_files_read", "data files read by merges", t -> t.filesRead.sum());
    perTable(f, tables, "tenantlake_refined_files_added", "data files added by merges", t -> t.filesAdded.sum());
    perTable(f, tables, "tenantlake_refined_files_removed", "data files removed (rewritten) by merges",
        t -> t.filesRemoved.sum());
    var duration = f.histogram("tenantlake_refined_merge_seconds", "wall time of one table's merge, read to commit");
    tables.forEach((table, t) -> duration.point(t.duration.snapshot(), "table", table));
    duration.add();
    f.histogram("tenantlake_refined_freshness_seconds", "age of an event when its refined row became visible "
            + "(committed): from its emitted_at, or from when the raw writer decoded it (ingested)")
        .point(m.freshnessFromEmitted.snapshot(), "from", "emitted")
        .point(m.freshnessFromIngested.snapshot(), "from", "ingested").add();
    if (sources.ingest().isPresent()) {
      f.gauge("tenantlake_refined_merge_backlog_events", "raw events committed and handed to the refined pipeline, "
          + "not merged yet (on the writer)").point(m.backlog()).add();
    }
  }

  private static void perTable(Families f, Map<String, MergeMetrics> tables, String name, String help,
      ToLongFunction<MergeMetrics> value) {
    var c = f.counter(name, help);
    tables.forEach((table, t) -> c.point(value.applyAsLong(t), "table", table));
    c.add();
  }
}
