package io.tenantlake.sharding;

import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * What an ingest node offers the rest of it: the tenants, the refined tables to read, and (for the
 * cluster's writer only) the refined pipeline to run after each raw commit.
 *
 * @param openPipeline opens the refined writers afresh and re-applies what raw holds past their
 *     watermarks (blocking), then gives the flow that follows each raw commit; called by the
 *     node that becomes the writer, each time it does
 * @param tables each model's table, for reading (any node)
 * @param metrics the refined merges' figures on this node, across the pipelines it opens
 */
public record RefinedNode(Supplier<Flow<CycleResult, CycleResult, NotUsed>> openPipeline, TenantSharding tenants,
    Map<String, DeltaTable> tables, Map<String, List<String>> modelsByEntityType, DeltaStorage storage,
    io.tenantlake.engine.metrics.RefinedMetrics metrics) {}
