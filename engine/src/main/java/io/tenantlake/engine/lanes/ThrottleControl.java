package io.tenantlake.engine.lanes;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handle of one lane's {@link RateThrottle}: the rate an operator sets at runtime and what
 * actually passed. Every method is safe from any thread. A rate set before the stage starts is the
 * one it starts with; while it runs, a change reaches it within one async callback.
 */
public final class ThrottleControl {
  private static final Logger log = LoggerFactory.getLogger(ThrottleControl.class);

  // measuredRate() looks at the last 5 s in 100 ms buckets: fine enough to see a change within a
  // second, coarse enough that a bucket costs one CAS per element at the highest rates.
  private static final long BUCKET_NANOS = 100_000_000L;
  private static final int BUCKETS = 50;
  // A bucket is one long: its epoch (bucket number since origin) above its count, so that
  // recycling a slot and counting into it is a single CAS even with several writers.
  private static final int COUNT_BITS = 24;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

  private final String lane;
  private final AtomicLong rateBits;
  private final LongAdder passed = new LongAdder();
  private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
  // Injectable so the measured rate can be checked against exact timings, not a loaded machine's.
  private final LongSupplier nanoClock;
  private final long origin;
  // When a stage first attached (relative to origin), so a young lane's rate is not diluted
  // by the part of the window before it ran; -1 until then.
  private final AtomicLong startedAt = new AtomicLong(-1);
  private final CopyOnWriteArraySet<Runnable> listeners = new CopyOnWriteArraySet<>();

  private ThrottleControl(String lane, double initialRate, LongSupplier nanoClock) {
    this.lane = Objects.requireNonNull(lane, "lane");
    this.rateBits = new AtomicLong(Double.doubleToLongBits(check(initialRate)));
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.origin = nanoClock.getAsLong();
  }

  /** A control to create before materializing, for {@link RateThrottle#flow(ThrottleControl)}. */
  public static ThrottleControl create(String lane, double initialRate) {
    return new ThrottleControl(lane, initialRate, System::nanoTime);
  }

  /** As {@link #create(String, double)}, with the clock the measured rate is taken on. */
  static ThrottleControl create(String lane, double initialRate, LongSupplier nanoClock) {
    return new ThrottleControl(lane, initialRate, nanoClock);
  }

  public String lane() {
    return lane;
  }

  /** Sets the rate in records/s; 0 pauses the lane. The latest call wins. */
  public void setRate(double recordsPerSecond) {
    check(recordsPerSecond);
    double old = Double.longBitsToDouble(rateBits.getAndSet(Double.doubleToLongBits(recordsPerSecond)));
    if (old != recordsPerSecond) {
      log.info("lane {}: rate {} -> {} records/s", lane, fmt(old), fmt(recordsPerSecond));
    }
    // Stages read rate() when woken rather than taking a value, so wake-ups that arrive out of
    // order (two callers on two threads) still leave every stage at the latest rate.
    for (Runnable wake : listeners) wake.run();
  }

  /** The rate configured now, in records/s. */
  public double rate() {
    return Double.longBitsToDouble(rateBits.get());
  }

  /** Elements passed since this control was created. */
  public long passed() {
    return passed.sum();
  }

  /** Records/s that actually passed over the last (up to) 5 seconds. */
  public double measuredRate() {
    long now = nanoClock.getAsLong() - origin;
    long started = startedAt.get();
    if (started < 0) return 0.0;
    long cur = now / BUCKET_NANOS;
    long first = cur - (BUCKETS - 1);
    long from = Math.max(first * BUCKET_NANOS, started);
    long span = now - from;
    if (span <= 0) return 0.0;
    long sum = 0;
    for (int i = 0; i < BUCKETS; i++) {
      long v = buckets.get(i);
      long epoch = v >>> COUNT_BITS;
      if (epoch >= first && epoch <= cur) sum += v & COUNT_MASK;
    }
    return sum * 1e9 / span;
  }

  /** Called by the stage for each element it lets through. */
  void record() {
    passed.increment();
    long epoch = (nanoClock.getAsLong() - origin) / BUCKET_NANOS;
    int slot = (int) (epoch % BUCKETS);
    while (true) {
      long v = buckets.get(slot);
      long seen = v >>> COUNT_BITS;
      long next;
      if (seen >= epoch) {
        // A racing writer that read the clock later may already have moved the slot on: count
        // there rather than losing the element.
        if ((v & COUNT_MASK) == COUNT_MASK) return;
        next = v + 1;
      } else {
        next = (epoch << COUNT_BITS) | 1;
      }
      if (buckets.compareAndSet(slot, v, next)) return;
    }
  }

  /** A running stage registers its wake-up; it then reads rate() itself, so no change is missed. */
  void attach(Runnable wake) {
    startedAt.compareAndSet(-1, nanoClock.getAsLong() - origin);
    listeners.add(wake);
  }

  void detach(Runnable wake) {
    listeners.remove(wake);
  }

  static double check(double rate) {
    if (Double.isNaN(rate) || Double.isInfinite(rate) || rate < 0) {
      throw new IllegalArgumentException("rate must be a finite number >= 0 records/s, got " + rate);
    }
    return rate;
  }

  private static String fmt(double rate) {
    return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
  }

  @Override
  public String toString() {
    return "ThrottleControl[" + lane + ", rate=" + fmt(rate()) + ", passed=" + passed() + "]";
  }
}
