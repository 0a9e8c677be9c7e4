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
    return flow(policy, CycleResult::events, CycleResult::andThen);
  }

  /**
   * The same for anything that carries raw cycles (say, cycles already routed to their tenants).
   *
   * @param events how many events an element holds (its weight against max-events)
   * @param combine two elements, the earlier first, as one
   */
  public static <T> Flow<T, T, NotUsed> flow(MergeCommitPolicy policy, java.util.function.ToLongFunction<T> events,
      java.util.function.BinaryOperator<T> combine) {
    org.apache.pekko.japi.function.Function<T, Long> weight = t -> Math.max(1L, events.applyAsLong(t));
    Flow<T, T, NotUsed> gather = Flow.create();
    if (!policy.maxAge().isZero()) {
      gather = gather.groupedWeightedWithin(policy.maxEvents(), weight, policy.maxAge())
          .map(items -> items.stream().reduce(combine).orElseThrow());
    }
    return gather.batchWeighted(policy.maxEvents(), weight, t -> t, combine::apply);
  }
}
