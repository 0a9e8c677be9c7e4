package io.tenantlake.sharding;

import io.tenantlake.engine.lanes.BackfillLane;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * The backfill lanes' rates, cluster-wide: an operator's change is written to a replicated map
 * (Pekko Distributed Data, last writer wins) and every node applies what it hears to its own
 * lanes' throttles, so whichever node runs a lane follows the rate set through any node.
 */
public final class LaneRates extends AbstractBehavior<LaneRates.Command> {
  /** Local messages only: what crosses the cluster is the replicated map, not these. */
  public sealed interface Command extends org.apache.pekko.actor.NoSerializationVerificationNeeded
      permits SetRate, UpdateAnswered, RatesChanged {}

  /** Sets a lane's rate in records/s (0 pauses it). */
  public record SetRate(String lane, double recordsPerSecond, ActorRef<RateSet> replyTo) implements Command {}

  /** The answer: applied on this node and written to a majority, or written locally only (it will spread). */
  public record RateSet(String lane, double recordsPerSecond, boolean replicated)
      implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  /** A lane's rate as replicated: a record, so that it travels through the CBOR binding. */
  public record Rate(double recordsPerSecond) implements CborSerializable {}

  private record UpdateAnswered(Replicator.UpdateResponse<LWWMap<String, Rate>> response, SetRate request)
      implements Command {}

  private record RatesChanged(Replicator.SubscribeResponse<LWWMap<String, Rate>> response) implements Command {}

  static final Key<LWWMap<String, Rate>> KEY = LWWMapKey.create("tenantlake-lane-rates");
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(3);

  private final ReplicatorMessageAdapter<Command, LWWMap<String, Rate>> replicator;
  private final SelfUniqueAddress node;
  private final Map<String, BackfillLane> lanes;

  public static Behavior<Command> create(Map<String, BackfillLane> lanes) {
    return Behaviors.setup(ctx -> DistributedData.withReplicatorMessageAdapter(
        (ReplicatorMessageAdapter<Command, LWWMap<String, Rate>> adapter) -> new LaneRates(ctx, adapter, lanes)));
  }

  private LaneRates(ActorContext<Command> ctx, ReplicatorMessageAdapter<Command, LWWMap<String, Rate>> replicator,
      Map<String, BackfillLane> lanes) {
    super(ctx);
    this.replicator = replicator;
    this.node = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    this.lanes = Map.copyOf(lanes);
    replicator.subscribe(KEY, RatesChanged::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(SetRate.class, this::onSet)
        .onMessage(UpdateAnswered.class, this::onAnswered)
        .onMessage(RatesChanged.class, this::onChanged)
        .build();
  }

  private Behavior<Command> onSet(SetRate set) {
    // Applied here at once: the node that took the request must not wait for gossip.
    BackfillLane lane = lanes.get(set.lane());
    if (lane != null) lane.setRate(set.recordsPerSecond());
    replicator.askUpdate(
        replyTo -> new Replicator.Update<>(KEY, LWWMap.empty(), new Replicator.WriteMajority(WRITE_TIMEOUT), replyTo,
            map -> map.put(node, set.lane(), new Rate(set.recordsPerSecond()))),
        response -> new UpdateAnswered(response, set));
    return this;
  }

  private Behavior<Command> onAnswered(UpdateAnswered answered) {
    SetRate set = answered.request();
    boolean replicated = answered.response() instanceof Replicator.UpdateSuccess;
    if (!replicated) {
      getContext().getLog().warn("lane {} rate {}/s: written on this node, not yet on a majority ({})", set.lane(),
          set.recordsPerSecond(), answered.response().getClass().getSimpleName());
    }
    set.replyTo().tell(new RateSet(set.lane(), set.recordsPerSecond(), replicated));
    return this;
  }

  private Behavior<Command> onChanged(RatesChanged changed) {
    if (changed.response() instanceof Replicator.Changed<LWWMap<String, Rate>> c) {
      c.get(KEY).getEntries().forEach((name, rate) -> {
        BackfillLane lane = lanes.get(name);
        if (lane != null && lane.rate() != rate.recordsPerSecond()) lane.setRate(rate.recordsPerSecond());
      });
    }
    return this;
  }
}
