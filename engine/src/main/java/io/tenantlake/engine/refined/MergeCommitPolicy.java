package io.tenantlake.engine.refined;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * When the refined merges commit, apart from the raw commits they follow. A merge's cost is mostly
 * per touched tenant partition (one rewrite per partition per model), nearly whatever its event
 * count: so raw commits are gathered into one merge batch, and one merge runs at a time.
 *
 * @param maxEvents a batch closes at this many events (the raw commits waiting beyond it wait for
 *     the next batch: backpressure on the raw lane)
 * @param maxAge how long a batch may gather after its first raw commit before it is merged; zero
 *     merges as soon as the previous merge is done (freshest), more makes fewer, larger merges
 */
public record MergeCommitPolicy(int maxEvents, Duration maxAge) {
  public MergeCommitPolicy {
    if (maxEvents < 1) throw new IllegalArgumentException("merge commit max-events must be >= 1, got " + maxEvents);
    if (maxAge == null || maxAge.isNegative()) {
      throw new IllegalArgumentException("merge commit max-age must be >= 0, got " + maxAge);
    }
  }

  /** Merge whenever the previous merge is done, up to 200,000 events at once. */
  public static MergeCommitPolicy defaults() {
    return new MergeCommitPolicy(200_000, Duration.ZERO);
  }

  /** From a config block with max-events and max-age. */
  public static MergeCommitPolicy fromConfig(Config c) {
    return new MergeCommitPolicy(c.getInt("max-events"), c.getDuration("max-age"));
  }
}
