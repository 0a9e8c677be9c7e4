package io.tenantlake.engine.bootstrap;

import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Cuts an object's byte stream into {@link Frame}s. Subclasses only say how to find a record in
 * buffered bytes ({@link Framer}); this class does the demand handling shared by both formats.
 *
 * <p>A data error from upstream (corrupt or truncated gzip) does not fail the stage at once, as the
 * stock framing stages do: the complete records already buffered are emitted first, then one last
 * problem frame. Otherwise the records before the damage would be lost and the problem's offset
 * would be wrong. Other failures (the connection) fail the stage: the object is re-read anyway.
 */
abstract class FramingStage extends GraphStage<FlowShape<ByteString, Frame>> {

  /** Per-materialization state of a framing. */
  interface Framer {
    void append(ByteString chunk);

    /** The next complete frame in the buffer, or null when more bytes are needed. */
    Frame poll();

    /** What is left when the object ends (null: nothing, a clean end). */
    Frame atEnd();

    /** The bytes buffered and not yet framed (for the report of a data error). */
    ByteString remaining();
  }

  private final Inlet<ByteString> in;
  private final Outlet<Frame> out;
  private final FlowShape<ByteString, Frame> shape;

  FramingStage(String name) {
    in = Inlet.create(name + ".in");
    out = Outlet.create(name + ".out");
    shape = FlowShape.of(in, out);
  }

  abstract Framer newFramer();

  @Override
  public FlowShape<ByteString, Frame> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private final Framer framer = newFramer();
      private boolean upstreamDone;
      private Throwable dataError;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            framer.append(grab(in));
            deliver();
          }

          @Override
          public void onUpstreamFinish() {
            upstreamDone = true;
            if (isAvailable(out)) deliver();
          }

          @Override
          public void onUpstreamFailure(Throwable ex) {
            if (!ReadFailures.isDataError(ex)) {
              failStage(ex);
              return;
            }
            dataError = ex;
            upstreamDone = true;
            if (isAvailable(out)) deliver();
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            deliver();
          }
        });
      }

      /** Called only when out is available. */
      private void deliver() {
        Frame f = framer.poll();
        if (f != null) {
          push(out, f);
          if (f.last()) completeStage(); // cancels the download: nothing after this can be framed
          return;
        }
        if (!upstreamDone) {
          if (!hasBeenPulled(in)) pull(in);
          return;
        }
        Frame end = dataError != null
            ? Frame.end(ReadFailures.describe(dataError) + "; the rest of the object is skipped", framer.remaining())
            : framer.atEnd();
        if (end != null) push(out, end);
        completeStage();
      }
    };
  }
}
