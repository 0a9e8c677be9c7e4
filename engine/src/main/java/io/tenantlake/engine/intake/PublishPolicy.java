package io.tenantlake.engine.intake;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How hard {@link KinesisPublisher} tries before it gives up on an event: at most
 * {@code maxAttempts} PutRecords attempts per event, exponential backoff with jitter between
 * {@code minBackoff} and {@code maxBackoff} after a round with failures, and never past
 * {@code deadline} after the publish started (a call in flight is cut at the deadline).
 *
 * <p>Read from a block like {@code tenantlake.intake.publish} (see http-api's reference.conf):
 * {@code max-attempts}, {@code min-backoff}, {@code max-backoff}, {@code deadline}.
 */
public record PublishPolicy(int maxAttempts, Duration minBackoff, Duration maxBackoff, Duration deadline) {
  public PublishPolicy {
    Objects.requireNonNull(minBackoff, "minBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(deadline, "deadline");
    if (maxAttempts < 1) throw new IllegalArgumentException("publish max-attempts must be >= 1");
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("publish backoff needs 0 < min-backoff <= max-backoff");
    }
    if (deadline.isNegative() || deadline.isZero()) throw new IllegalArgumentException("publish deadline must be > 0");
  }

  /** 10 attempts, 100 ms to 2 s backoff, 10 s deadline. */
  public static PublishPolicy defaults() {
    return new PublishPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10));
  }

  /** From the keys {@code max-attempts}, {@code min-backoff}, {@code max-backoff}, {@code deadline} of {@code c}. */
  public static PublishPolicy fromConfig(Config c) {
    return new PublishPolicy(c.getInt("max-attempts"), c.getDuration("min-backoff"), c.getDuration("max-backoff"),
        c.getDuration("deadline"));
  }

  public PublishPolicy withDeadline(Duration deadline) {
    return new PublishPolicy(maxAttempts, minBackoff, maxBackoff, deadline);
  }

  public PublishPolicy withMaxAttempts(int maxAttempts) {
    return new PublishPolicy(maxAttempts, minBackoff, maxBackoff, deadline);
  }

  /**
   * The pause after the {@code failedRounds}-th round in a row with failures (1-based): "equal
   * jitter", half of {@code min(max, min * 2^(n-1))} plus a random part of the other half, so
   * concurrent publishers do not retry in lock step but the wait still grows.
   */
  public Duration backoff(int failedRounds) {
    long min = minBackoff.toNanos();
    long cap = maxBackoff.toNanos();
    int shift = Math.max(0, Math.min(failedRounds - 1, 30));
    long ceiling = min > (cap >> shift) ? cap : Math.min(cap, min << shift);
    long half = ceiling / 2;
    long nanos = half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
    return Duration.ofNanos(Math.max(min / 2, nanos));
  }
}
