package io.tenantlake.engine.lanes;

import java.util.concurrent.ConcurrentLinkedQueue;
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

/**
 * Lets at most a window of records be between this stage and their commit: each record that
 * passes takes a place, and the pipeline gives places back as records are committed. A backfill
 * lane behind it can never fill the buffers between the lanes and the refined merges, where live
 * records would wait behind it: the live lane keeps its priority all the way to the tables. The
 * window can change while the stream runs (smaller while live traffic flows).
 */
public final class InFlightWindow<T> extends AbstractGraphStageWithMaterializedValue<FlowShape<T, T>, InFlightWindow.Control> {
  /** The materialized handle; callable from any thread, also before the stage starts. */
  public interface Control {
    /** {@code n} records that passed are now committed. */
    void committed(long n);

    /** The most records in flight from now on. */
    void resize(long window);
  }

  private final Inlet<T> in = Inlet.create("InFlightWindow.in");
  private final Outlet<T> out = Outlet.create("InFlightWindow.out");
  private final FlowShape<T, T> shape = FlowShape.of(in, out);
  private final long initialWindow;

  private InFlightWindow(long window) {
    check(window);
    this.initialWindow = window;
  }

  public static <T> Flow<T, T, Control> flow(long window) {
    return Flow.fromGraph(new InFlightWindow<T>(window));
  }

  private static void check(long window) {
    if (window < 1) throw new IllegalArgumentException("an in-flight window must be >= 1, got " + window);
  }

  @Override
  public FlowShape<T, T> shape() {
    return shape;
  }

  @Override
  public Pair<GraphStageLogic, Control> createLogicAndMaterializedValuePair(Attributes attributes) {
    Logic logic = new Logic();
    return Pair.create(logic, new Control() {
      @Override
      public void committed(long n) {
        if (n > 0) logic.send(-n);
      }

      @Override
      public void resize(long window) {
        check(window);
        logic.send(window);
      }
    });
  }

  /** Messages are signed: a negative one gives places back, a positive one is a new window. */
  private final class Logic extends GraphStageLogic {
    // Messages sent before preStart wait here; preStart and later sends drain it in order.
    private final ConcurrentLinkedQueue<Long> pending = new ConcurrentLinkedQueue<>();
    private volatile AsyncCallback<Long> callback;
    private long window = initialWindow;
    private long inFlight;

    Logic() {
      super(shape);
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          inFlight++;
          push(out, grab(in));
        }
      });
      setHandler(out, new AbstractOutHandler() {
        @Override
        public void onPull() {
          if (inFlight < window) pull(in);
        }
      });
    }

    void send(long message) {
      pending.add(message);
      AsyncCallback<Long> cb = callback;
      if (cb != null) cb.invoke(0L);
    }

    @Override
    public void preStart() {
      callback = createAsyncCallback(ignored -> drain());
      drain();
    }

    private void drain() {
      for (Long m = pending.poll(); m != null; m = pending.poll()) {
        if (m < 0) inFlight = Math.max(0, inFlight + m);
        else window = m;
      }
      if (inFlight < window && isAvailable(out) && !hasBeenPulled(in) && !isClosed(in)) pull(in);
    }
  }
}
