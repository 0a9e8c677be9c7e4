package io.tenantlake.engine.refined;

import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Gathers committed raw cycles into merge batches by a {@link MergeCommitPolicy}: the cycles that
 * arrive while the merge downstream runs become one batch (up to max-events; beyond, backpressure),
 * and with a max-age a batch also waits that long after its first cycle. A batch is the cycles
 * combined as one ({@link CycleResult#andThen}): their events, and the furthest positions.
 */
public final class MergeBatches {
  private MergeBatches() {}

  public static Flow<CycleResult, CycleResult, NotUsed> flow(MergeCommitPolicy policy) {
    Flow<CycleResult, CycleResult, NotUsed> gather = Flow.create();
    if (!policy.maxAge().isZero()) {
      gather = gather.groupedWeightedWithin(policy.maxEvents(), MergeBatches::weight, policy.maxAge())
          .map(cycles -> cycles.stream().reduce(CycleResult::andThen).orElseThrow());
    }
    return gather.batchWeighted(policy.maxEvents(), MergeBatches::weight, c -> c, CycleResult::andThen);
  }

  private static long weight(CycleResult c) {
    return Math.max(1, c.events());
  }
}
