package io.tenantlake.engine.ingest;

import io.tenantlake.engine.event.Decoded;
import io.tenantlake.engine.raw.CommitPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;

/**
 * Gathers decoded records into the raw writer's batches by its {@link CommitPolicy}: a batch
 * closes at {@code maxRecords} events, at {@code maxBytes}, or {@code maxAge} after its first
 * record, whichever comes first. A record's events (several when the intake packed them) are
 * never split over two batches: they share the record's position, and a position is committed
 * whole or not at all. A record that would overflow the open batch starts the next one; a record
 * larger than a whole batch is a batch of its own.
 *
 * <p>Like Pekko's {@code groupedWeightedWithin}: once a batch is due and downstream is busy (a
 * commit is running), the batch keeps growing up to the limits and goes out when downstream asks.
 * So under load batches grow and the commit's fixed cost is shared by more events.
 */
public final class RecordBatches extends GraphStage<FlowShape<List<Decoded>, List<Decoded>>> {
  private static final String AGE = "age";

  private final Inlet<List<Decoded>> in = Inlet.create("RecordBatches.in");
  private final Outlet<List<Decoded>> out = Outlet.create("RecordBatches.out");
  private final FlowShape<List<Decoded>, List<Decoded>> shape = FlowShape.of(in, out);
  private final int maxEvents;
  private final long maxBytes;
  private final Duration maxAge;

  private RecordBatches(CommitPolicy policy) {
    this.maxEvents = policy.maxRecords();
    this.maxBytes = policy.maxBytes();
    this.maxAge = policy.maxAge();
  }

  public static Flow<List<Decoded>, List<Decoded>, NotUsed> flow(CommitPolicy policy) {
    return Flow.fromGraph(new RecordBatches(policy));
  }

  /** What a decoded event weighs in a batch: its payload and envelope, or 1 KiB for a dead letter. */
  static long weight(Decoded d) {
    return d instanceof Decoded.Event e ? e.event().weight() : 1024;
  }

  @Override
  public FlowShape<List<Decoded>, List<Decoded>> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attrs) {
    return new Logic();
  }

  private final class Logic extends TimerGraphStageLogic {
    private List<Decoded> batch = new ArrayList<>();
    private long bytes;
    private List<Decoded> pending; // the record that did not fit: first of the next batch
    private long pendingBytes;
    private boolean due; // the batch is full or old enough: push as soon as downstream asks

    Logic() {
      super(shape);
      setHandler(in, new AbstractInHandler() {
        @Override
        public void onPush() {
          List<Decoded> record = grab(in);
          long w = 0;
          for (Decoded d : record) w += weight(d);
          if (!batch.isEmpty() && (batch.size() + record.size() > maxEvents || bytes + w > maxBytes)) {
            pending = record;
            pendingBytes = w;
            due = true;
          } else {
            add(record, w);
          }
          if (due && isAvailable(out)) emitBatch();
          if (pending == null && !hasBeenPulled(in) && !isClosed(in)) pull(in);
        }

        @Override
        public void onUpstreamFinish() {
          if (batch.isEmpty() && pending == null) {
            completeStage();
          } else if (isAvailable(out)) {
            emitBatch();
          }
          // else: onPull emits what is left, then completes
        }
      });
      setHandler(out, new AbstractOutHandler() {
        @Override
        public void onPull() {
          if (due || (isClosed(in) && !batch.isEmpty())) emitBatch();
        }
      });
    }

    @Override
    public void preStart() {
      pull(in);
    }

    private void add(List<Decoded> record, long w) {
      if (batch.isEmpty()) scheduleOnce(AGE, maxAge);
      batch.addAll(record);
      bytes += w;
      if (batch.size() >= maxEvents || bytes >= maxBytes) due = true;
    }

    @Override
    public void onTimer(Object key) {
      if (batch.isEmpty()) return;
      due = true;
      if (isAvailable(out)) emitBatch();
    }

    private void emitBatch() {
      cancelTimer(AGE);
      List<Decoded> full = batch;
      batch = new ArrayList<>();
      bytes = 0;
      due = false;
      push(out, full);
      if (pending != null) {
        List<Decoded> next = pending;
        pending = null;
        add(next, pendingBytes);
      }
      if (isClosed(in)) {
        if (batch.isEmpty()) completeStage();
        else due = true; // the last batch goes at the next pull
      } else if (!hasBeenPulled(in)) {
        pull(in);
      }
    }
  }
}
