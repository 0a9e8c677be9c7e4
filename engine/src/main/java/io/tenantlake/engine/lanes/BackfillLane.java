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

  public BackfillLane(Lane lane, LaneRateSettings settings) {
    if (lane == Lane.LIVE) throw new IllegalArgumentException("the live lane is not throttled");
    this.lane = lane;
    this.settings = settings;
    this.control = settings.newControl(lane.label());
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
  public Source<SourceRecord, NotUsed> source() {
    return MergeHub.of(SourceRecord.class, PER_PRODUCER_BUFFER)
        .viaMat(RateThrottle.<SourceRecord>flow(control), Keep.both())
        .mapMaterializedValue(pair -> {
          hub = pair.first();
          listeners.forEach(l -> l.accept(pair.first()));
          return NotUsed.getInstance();
        });
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
