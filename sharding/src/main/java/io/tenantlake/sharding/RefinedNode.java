package io.tenantlake.sharding;

import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import io.tenantlake.engine.refined.RefinedTableWriter;
import java.util.Map;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/** What a node running the refined pipeline offers the rest of it: the flow, the tenants, the tables. */
public record RefinedNode(Flow<CycleResult, CycleResult, NotUsed> afterCommit, TenantSharding tenants,
    Map<String, RefinedTableWriter> tables, Map<String, java.util.List<String>> modelsByEntityType,
    io.tenantlake.engine.delta.DeltaStorage storage) {}
