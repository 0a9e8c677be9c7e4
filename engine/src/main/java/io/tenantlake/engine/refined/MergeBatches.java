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
    return flow(policy, c -> c, CycleResult::andThen);
  }

  /**
   * The same for anything that carries raw cycles (say, cycles already routed to their tenants).
   *
   * @param cycle the raw cycle(s) an element carries (its events and their bytes count)
   * @param combine two elements, the earlier first, as one
   */
  public static <T> Flow<T, T, NotUsed> flow(MergeCommitPolicy policy, java.util.function.Function<T, CycleResult> cycle,
      java.util.function.BinaryOperator<T> combine) {
    org.apache.pekko.japi.function.Function<T, Long> weight = t -> weight(policy, cycle.apply(t));
    Flow<T, T, NotUsed> gather = Flow.create();
    if (!policy.maxAge().isZero()) {
      gather = gather.groupedWeightedWithin(MergeCommitPolicy.FULL, weight, policy.maxAge())
          .map(items -> items.stream().reduce(combine).orElseThrow());
    }
    return gather.batchWeighted(MergeCommitPolicy.FULL, weight, t -> t, combine::apply);
  }

  static long weight(MergeCommitPolicy policy, CycleResult c) {
    long bytes = 0;
    for (var events : c.committedByTable().values()) {
      for (var e : events) bytes += e.weight();
    }
    return policy.weight(c.events(), bytes);
  }
}
