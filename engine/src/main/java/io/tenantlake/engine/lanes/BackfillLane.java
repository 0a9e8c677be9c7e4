package io.tenantlake.engine.lanes;

import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.SourceRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.MergeHub;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A throttled lane into the raw pipeline (bootstrap or import): any number of producers (jobs)
 * attach to a hub, and everything they send passes one {@link RateThrottle}, so the lane's rate
 * holds whatever the number of jobs. The pipeline re-materializes the lane when it restarts; the
 * rate an operator set survives that, and producers hear of the new hub through the listeners.
 */
public final class BackfillLane {
  /** Records a producer may have in the hub before it is backpressured. */
  private static final int PER_PRODUCER_BUFFER = 256;

  private final Lane lane;
  private final LaneRateSettings settings;
  private final List<Consumer<Sink<SourceRecord, NotUsed>>> listeners = new CopyOnWriteArrayList<>();
  /** One control for the lane's lifetime: a rate set between two materializations is kept. */
  private final ThrottleControl control;
  private volatile Sink<SourceRecord, NotUsed> hub;
  private final InFlightSettings inFlight;
  private volatile java.util.function.Predicate<SourceRecord> admit = r -> true;
  private volatile InFlightWindow.Control window;
  private volatile long windowSize;
  private long committedTotal;

  /**
   * @param inFlight how many records of this lane may be between its throttle and their commit
   *     (see {@link InFlightWindow}), with live traffic and without
   */
  public BackfillLane(Lane lane, LaneRateSettings settings, InFlightSettings inFlight) {
    if (lane == Lane.LIVE) throw new IllegalArgumentException("the live lane is not throttled");
    this.lane = lane;
    this.settings = settings;
    this.control = settings.newControl(lane.label());
    this.inFlight = inFlight;
    this.windowSize = inFlight.whileLive();
  }

  public Lane lane() {
    return lane;
  }

  public LaneRateSettings settings() {
    return settings;
  }

  /**
   * The lane's records for one materialization of the pipeline. When it starts, the listeners get
   * the hub that producers should now send to (the previous one is gone with the old pipeline).
   */
  public Source<SourceRecord, NotUsed> source(java.util.Map<String, io.tenantlake.engine.raw.Positions.Position> checkpoint) {
    synchronized (this) {
      committedTotal = committedIn(checkpoint);
    }
    return MergeHub.of(SourceRecord.class, PER_PRODUCER_BUFFER)
        // Records of a job cancelled while they waited in the hub go no further.
        .filter(r -> admit.test(r))
        .via(RateThrottle.<SourceRecord>flow(control))
        .viaMat(InFlightWindow.<SourceRecord>flow(windowSize), Keep.both())
        .mapMaterializedValue(pair -> {
          window = pair.second();
          hub = pair.first();
          listeners.forEach(l -> l.accept(pair.first()));
          return NotUsed.getInstance();
        });
  }

  /**
   * After a commit: the lane's records it committed free their places in the window, and the
   * window follows the live lane (small while it has traffic, large once it has been quiet).
   */
  public void committed(java.util.Map<String, io.tenantlake.engine.raw.Positions.Position> checkpoint, boolean liveQuiet) {
    long total = committedIn(checkpoint);
    long delta;
    synchronized (this) {
      delta = total - committedTotal;
      committedTotal = total;
    }
    InFlightWindow.Control w = window;
    if (w == null) return;
    long size = liveQuiet ? inFlight.whileQuiet() : inFlight.whileLive();
    if (size != windowSize) {
      windowSize = size;
      w.resize(size);
    }
    if (delta > 0) w.committed(delta);
  }

  /** The lane's records (and dead letters) committed in all: its partitions are {@code <lane>/<id>}. */
  private long committedIn(java.util.Map<String, io.tenantlake.engine.raw.Positions.Position> checkpoint) {
    String prefix = lane.label() + "/";
    long n = 0;
    for (var e : checkpoint.entrySet()) {
      if (e.getKey().startsWith(prefix)) n += e.getValue().records() + e.getValue().deadLetters();
    }
    return n;
  }

  /** Which records may still enter the pipeline (those of running jobs). */
  public void admitOnly(java.util.function.Predicate<SourceRecord> predicate) {
    this.admit = predicate;
  }

  /** Called with the hub of every materialization from now on (and the current one, if any). */
  public void onHub(Consumer<Sink<SourceRecord, NotUsed>> listener) {
    listeners.add(listener);
    Sink<SourceRecord, NotUsed> current = hub;
    if (current != null) listener.accept(current);
  }

  /** Sets the lane's rate on this node (records/s, 0 pauses); checked against the lane's settings. */
  public void setRate(double recordsPerSecond) {
    control.setRate(settings.validate(recordsPerSecond));
  }

  public double rate() {
    return control.rate();
  }

  /** Records/s that actually passed the throttle lately. */
  public double measuredRate() {
    return control.measuredRate();
  }

  /** Records passed since the node started. */
  public long passed() {
    return control.passed();
  }
}
