package io.tenantlake.sharding;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One tenant's in-flight last-write-wins state (cluster-sharded: type "tenant", entity id = tenant id).
 * Per key ({@code entity_type/entity_id}) it holds the highest-version event seen until the merge flow
 * reports that version (or a higher one) committed to the refined tables, and it remembers committed
 * versions (bounded, least recently used forgotten first) to drop late, older events early.
 *
 * <p>Nothing here is the record of truth: the refined tables keep a raw watermark and version per row,
 * so state lost with an entity (crash, rebalance, passivation) is re-applied from raw and never loses
 * data. Passivation therefore only avoids needless re-work: an idle entity with no in-flight state stops
 * after {@code passivate-after-idle}; one still holding uncommitted events waits until
 * {@code max-idle-with-in-flight} without messages (so a stalled merge flow cannot pin memory forever).
 */
public final class TenantEntity extends AbstractBehavior<TenantEntity.Command> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "tenant");

  /** Everything a tenant entity understands. */
  public sealed interface Command extends CborSerializable permits Apply, Committed, GetEntity, GetStatus, Idle {}

  /**
   * Offer events of this tenant. Per key only an event with a higher version than both the in-flight
   * one and the committed one becomes the winner; equal versions are duplicates, lower ones stale.
   *
   * <p>{@code epoch} names the pipeline that offers them (a new one each time the lanes start, on
   * any node). In-flight events of another epoch belong to a pipeline that stopped before merging
   * them; the new one re-applies them from raw, so they are dropped first: kept, they would turn
   * the re-applied events into duplicates that no pipeline merges.
   */
  public record Apply(List<InFlightEvent> events, String epoch, ActorRef<Applied> replyTo) implements Command {
    public Apply {
      events = List.copyOf(events);
      java.util.Objects.requireNonNull(epoch, "epoch");
    }
  }

  /**
   * The answer to {@link Apply}: {@code winners} holds, per key touched, the event that is its in-flight
   * winner after this call if it came with this call (in order of the keys' first appearance). Every
   * offered event is counted once: {@code winners.size() + droppedStale + droppedDuplicate} equals the
   * events offered (an event overtaken by a higher one of the same call counts as stale), except events
   * of another tenant, which are rejected and only show in {@link TenantStatus#rejected()}.
   */
  public record Applied(List<InFlightEvent> winners, int droppedStale, int droppedDuplicate)
      implements CborSerializable {
    public Applied {
      winners = List.copyOf(winners);
    }
  }

  /**
   * The merge flow committed these versions (key = {@code entity_type + "/" + entity_id}): in-flight
   * events up to them are done. No answer.
   */
  public record Committed(Map<String, Long> versions) implements Command {
    public Committed {
      versions = Map.copyOf(versions);
    }
  }

  public record GetEntity(String entityType, String entityId, ActorRef<EntityState> replyTo) implements Command {}

  /**
   * One key's state here: {@code inFlight} is the uncommitted winner (version, op, payload) or null;
   * {@code committedVersion} the highest committed version this entity remembers, or null.
   */
  public record EntityState(String tenantId, String entityType, String entityId, InFlightEvent inFlight,
      Long committedVersion) implements CborSerializable {}

  public record GetStatus(ActorRef<TenantStatus> replyTo) implements Command {}

  /**
   * Counters since this incarnation of the entity started: keys in flight, events that became a winner,
   * dropped as stale or duplicate, in-flight events cleared by commits, committed versions remembered,
   * and events rejected for naming another tenant.
   */
  public record TenantStatus(String tenantId, int inFlightKeys, long applied, long droppedStale,
      long droppedDuplicate, long committed, int committedKeysKnown, long rejected) implements CborSerializable {}

  /** Receive timeout: time to consider passivation. */
  enum Idle implements Command { INSTANCE }

  public static Behavior<Command> create(String tenantId, ActorRef<ClusterSharding.ShardCommand> shard,
      TenantEntitySettings settings) {
    return Behaviors.setup(ctx -> new TenantEntity(ctx, tenantId, shard, settings));
  }

  private final String tenantId;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final TenantEntitySettings settings;
  private final Map<String, InFlightEvent> inFlight = new HashMap<>();
  private final SharedStrings strings = new SharedStrings();
  private String epoch;
  private final CommittedVersions committedVersions;
  private long lastMessageNanos = System.nanoTime();
  private boolean passivating;
  private long applied;
  private long droppedStale;
  private long droppedDuplicate;
  private long committed;
  private long rejected;

  private TenantEntity(ActorContext<Command> ctx, String tenantId, ActorRef<ClusterSharding.ShardCommand> shard,
      TenantEntitySettings settings) {
    super(ctx);
    this.tenantId = tenantId;
    this.shard = shard;
    this.settings = settings;
    this.committedVersions = new CommittedVersions(settings.committedKeysMax());
    ctx.setReceiveTimeout(settings.passivateAfterIdle(), Idle.INSTANCE);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Apply.class, this::onApply)
        .onMessage(Committed.class, this::onCommitted)
        .onMessage(GetEntity.class, this::onGetEntity)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessageEquals(Idle.INSTANCE, this::onIdle)
        .build();
  }

  private Behavior<Command> onApply(Apply apply) {
    touched();
    if (!apply.epoch().equals(epoch)) {
      if (!inFlight.isEmpty()) {
        getContext().getLog().info("tenant {}: pipeline {} replaces {}: dropping {} in-flight events it did not merge"
            + " (re-applied from raw)", tenantId, apply.epoch(), epoch, inFlight.size());
        inFlight.clear();
      }
      epoch = apply.epoch();
    }
    Map<String, InFlightEvent> winners = new LinkedHashMap<>();
    int stale = 0;
    int duplicate = 0;
    int foreign = 0;
    for (InFlightEvent e : apply.events()) {
      if (!tenantId.equals(e.tenantId())) {
        foreign++;
        continue;
      }
      String key = e.key();
      InFlightEvent current = inFlight.get(key);
      long best = Math.max(current == null ? Long.MIN_VALUE : current.version(), committedVersions.get(key));
      if (e.version() < best) {
        stale++;
      } else if (e.version() == best) {
        duplicate++;
      } else {
        InFlightEvent held = strings.shareIn(e, tenantId);
        inFlight.put(key, held);
        if (winners.put(key, held) != null) stale++; // overtaken within this call
      }
    }
    if (foreign > 0) {
      rejected += foreign;
      getContext().getLog().error("tenant {}: rejected {} events of other tenants (a routing bug)", tenantId, foreign);
    }
    applied += winners.size();
    droppedStale += stale;
    droppedDuplicate += duplicate;
    apply.replyTo().tell(new Applied(new ArrayList<>(winners.values()), stale, duplicate));
    return this;
  }

  private Behavior<Command> onCommitted(Committed c) {
    touched();
    for (Map.Entry<String, Long> e : c.versions().entrySet()) {
      long version = e.getValue();
      committedVersions.record(e.getKey(), version);
      InFlightEvent current = inFlight.get(e.getKey());
      if (current != null && current.version() <= version) {
        inFlight.remove(e.getKey());
        committed++;
      }
    }
    return this;
  }

  private Behavior<Command> onGetEntity(GetEntity q) {
    touched();
    String key = InFlightEvent.key(q.entityType(), q.entityId());
    long c = committedVersions.get(key);
    q.replyTo().tell(new EntityState(tenantId, q.entityType(), q.entityId(), inFlight.get(key),
        c == Long.MIN_VALUE ? null : c));
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus q) {
    touched();
    q.replyTo().tell(new TenantStatus(tenantId, inFlight.size(), applied, droppedStale, droppedDuplicate, committed,
        committedVersions.size(), rejected));
    return this;
  }

  private Behavior<Command> onIdle() {
    long idleNanos = System.nanoTime() - lastMessageNanos;
    if (!passivating && (inFlight.isEmpty() || idleNanos >= settings.maxIdleWithInFlight().toNanos())) {
      passivating = true; // the shard stops this entity soon (and buffers messages meanwhile)
      if (!inFlight.isEmpty()) {
        getContext().getLog().info("tenant {}: passivating with {} uncommitted keys after {} s idle"
            + " (they are re-applied from raw)", tenantId, inFlight.size(), idleNanos / 1_000_000_000L);
      }
      shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    }
    return this;
  }

  private void touched() {
    lastMessageNanos = System.nanoTime();
  }
}
