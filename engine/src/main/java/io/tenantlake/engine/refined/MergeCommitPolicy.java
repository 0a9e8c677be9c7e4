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
 * @param maxBytes ... or at about this many bytes of events held in memory (payloads included),
 *     whichever comes first
 * @param maxAge how long a batch may gather after its first raw commit before it is merged; zero
 *     merges as soon as the previous merge is done (freshest), more makes fewer, larger merges
 */
public record MergeCommitPolicy(int maxEvents, long maxBytes, Duration maxAge) {
  public MergeCommitPolicy {
    if (maxEvents < 1) throw new IllegalArgumentException("merge commit max-events must be >= 1, got " + maxEvents);
    if (maxBytes < 1) throw new IllegalArgumentException("merge commit max-bytes must be >= 1, got " + maxBytes);
    if (maxAge == null || maxAge.isNegative()) {
      throw new IllegalArgumentException("merge commit max-age must be >= 0, got " + maxAge);
    }
  }

  /** Merge whenever the previous merge is done, up to 200,000 events or 256 MiB at once. */
  public static MergeCommitPolicy defaults() {
    return new MergeCommitPolicy(200_000, 256L << 20, Duration.ZERO);
  }

  /** From a config block with max-events, max-bytes and max-age. */
  public static MergeCommitPolicy fromConfig(Config c) {
    return new MergeCommitPolicy(c.getInt("max-events"), c.getBytes("max-bytes"), c.getDuration("max-age"));
  }

  /**
   * How much of a batch's room this many events and bytes take, out of {@link #FULL}: the larger
   * of the two shares, so a batch closes at whichever limit it reaches first.
   */
  public long weight(long events, long bytes) {
    long byEvents = (long) Math.ceil((double) events / maxEvents * FULL);
    long byBytes = (long) Math.ceil((double) bytes / maxBytes * FULL);
    return Math.max(1, Math.max(byEvents, byBytes));
  }

  /** The weight of a full batch. */
  public static final long FULL = 1_000_000L;
}
