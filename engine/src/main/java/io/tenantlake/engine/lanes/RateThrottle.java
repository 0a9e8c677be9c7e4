package io.tenantlake.engine.lanes;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractGraphStageWithMaterializedValue;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * A throttle whose rate (records/s) changes while the stream runs, through the materialized
 * {@link ThrottleControl}. Unlike Pekko's {@code throttle}, whose rate is fixed at materialization,
 * a change here applies at once, with no restart and nothing lost or repeated.
 *
 * <p>Token bucket: tokens refill continuously at the rate up to a burst of 0.1 s worth (at least
 * one). The stage holds no element: it pulls upstream only with a token in hand and downstream
 * waiting, and pushes what arrives straight through. So at rate 0 upstream is simply not pulled
 * (backpressure), and completion and failure pass through unchanged.
 */
public final class RateThrottle<T> extends AbstractGraphStageWithMaterializedValue<FlowShape<T, T>, ThrottleControl> {
  // Timers finer than this cost more than they buy: tokens accrue continuously, so a late timer
  // releases several elements at once and the rate over any second is unchanged.
  private static final long MIN_DELAY_NANOS = 5_000_000L;
  // Very low rates would ask the scheduler for delays beyond what it accepts; waking once a
  // second and re-checking costs nothing.
  private static final long MAX_DELAY_NANOS = 1_000_000_000L;
  private static final double BURST_SECONDS = 0.1;
  private static final String REFILL = "refill";

  private final Inlet<T> in = Inlet.create("RateThrottle.in");
  private final Outlet<T> out = Outlet.create("RateThrottle.out");
  private final FlowShape<T, T> shape = FlowShape.of(in, out);
  private final Supplier<ThrottleControl> controls;

  private RateThrottle(Supplier<ThrottleControl> controls) {
    this.controls = controls;
  }

  /** Each materialization gets its own control, starting at {@code initialRate}. */
  public static <T> Flow<T, T, ThrottleControl> flow(double initialRate, String laneName) {
    ThrottleControl.check(initialRate);
    return Flow.fromGraph(new RateThrottle<T>(() -> ThrottleControl.create(laneName, initialRate)));
  }

  /**
   * Every materialization follows the given control, so it can be handed to the HTTP layer before
   * the lane starts and survive restarts of the stream; its counters add up across them.
   */
  public static <T> Flow<T, T, ThrottleControl> flow(ThrottleControl control) {
    return Flow.fromGraph(new RateThrottle<T>(() -> control));
  }

  @Override
  public FlowShape<T, T> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, ThrottleControl> createLogicAndMaterializedValuePair(Attributes attrs) {
    ThrottleControl control = controls.get();
    return Pair.create(new Logic(control), control);
  }

  private final class Logic extends TimerGraphStageLogic {
    private final ThrottleControl control;
    private Runnable wake;
    private double rate;
    private double tokens;
    private long refilledAt;

    Logic(ThrottleControl control) {
      super(shape);
      this.control = control;
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          // Only pulled with a token taken and downstream waiting, so out is available.
          push(out, grab(in));
          control.record();
        }
      });
      setHandler(out, new AbstractOutHandler() {
        @Override
        public void onPull() {
          tryPass();
        }
      });
    }

    @Override
    public void preStart() {
      AsyncCallback<Object> changed = createAsyncCallback(ignored -> applyRate(control.rate()));
      wake = () -> changed.invoke(Boolean.TRUE);
      refilledAt = System.nanoTime();
      rate = control.rate();
      tokens = burst(rate);
      // Attach, then read the rate again: a setRate that ran before the attach is seen here,
      // one after it wakes the callback, so the latest call wins either way.
      control.attach(wake);
      applyRate(control.rate());
    }

    @Override
    public void postStop() {
      if (wake != null) control.detach(wake);
    }

    @Override
    public void onTimer(Object key) {
      tryPass();
    }

    private void applyRate(double newRate) {
      if (newRate == rate) return;
      refill();
      rate = newRate;
      tokens = Math.min(tokens, burst(rate));
      // The pending timer was computed for the old rate: drop it and decide afresh.
      cancelTimer(REFILL);
      tryPass();
    }

    private void tryPass() {
      if (!isAvailable(out) || hasBeenPulled(in) || isClosed(in)) return;
      refill();
      if (tokens >= 1.0) {
        tokens -= 1.0;
        pull(in);
      } else if (rate > 0 && !isTimerActive(REFILL)) {
        double due = Math.ceil((1.0 - tokens) / rate * 1e9);
        long delay = (long) Math.min(MAX_DELAY_NANOS, Math.max(MIN_DELAY_NANOS, due));
        scheduleOnce(REFILL, Duration.ofNanos(delay));
      }
      // rate 0: no timer; only a rate change wakes the stage.
    }

    private void refill() {
      long now = System.nanoTime();
      tokens = Math.min(burst(rate), tokens + (now - refilledAt) * rate / 1e9);
      refilledAt = now;
    }
  }

  /** 0.1 s worth so the rate holds with coarse timers; 0 when paused so pausing is immediate. */
  private static double burst(double rate) {
    return rate == 0 ? 0 : Math.max(1.0, rate * BURST_SECONDS);
  }
}
