package io.tenantlake.engine.lanes;

import com.typesafe.config.Config;

/**
 * The rate limits of one throttled lane, from a block like
 * {@code { initial-rate = 1000, max-rate = 100000 }} (records/s).
 *
 * @param initialRate the rate the lane starts with; 0 starts it paused
 * @param maxRate the highest rate an operator may set; higher requests are rejected rather than
 *     clamped, so that the caller learns the limit instead of silently getting less
 */
public record LaneRateSettings(double initialRate, double maxRate) {
  public static final double DEFAULT_INITIAL_RATE = 1_000;
  public static final double DEFAULT_MAX_RATE = 100_000;

  public LaneRateSettings {
    if (!Double.isFinite(maxRate) || maxRate <= 0) {
      throw new IllegalArgumentException("max-rate must be a finite number > 0 records/s, got " + maxRate);
    }
    if (!Double.isFinite(initialRate) || initialRate < 0 || initialRate > maxRate) {
      throw new IllegalArgumentException(
          "initial-rate must be between 0 and max-rate (" + maxRate + ") records/s, got " + initialRate);
    }
  }

  public static LaneRateSettings defaults() {
    return new LaneRateSettings(DEFAULT_INITIAL_RATE, DEFAULT_MAX_RATE);
  }

  /** From the lane's block; a missing key takes its default. */
  public static LaneRateSettings fromConfig(Config c) {
    return new LaneRateSettings(
        c.hasPath("initial-rate") ? c.getDouble("initial-rate") : DEFAULT_INITIAL_RATE,
        c.hasPath("max-rate") ? c.getDouble("max-rate") : DEFAULT_MAX_RATE);
  }

  /**
   * Checks a requested rate; the message is meant for the operator (an HTTP 400 body).
   *
   * @return the rate, unchanged
   * @throws IllegalArgumentException if it is negative, not finite, or above max-rate
   */
  public double validate(double rate) {
    if (!Double.isFinite(rate) || rate < 0) {
      throw new IllegalArgumentException("rate must be a finite number >= 0 records/s, got " + rate);
    }
    if (rate > maxRate) {
      throw new IllegalArgumentException("rate " + rate + " records/s is above this lane's max-rate of " + maxRate);
    }
    return rate;
  }

  /** A control for a lane named {@code lane}, starting at {@link #initialRate()}. */
  public ThrottleControl newControl(String lane) {
    return ThrottleControl.create(lane, initialRate);
  }
}
