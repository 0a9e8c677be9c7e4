package io.tenantlake.sharding;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The cluster's one writer of the tables: where the lanes run (Kinesis and the backfill lanes into
 * raw, the merges into refined). Delta's S3 log store takes one writer per table, and the raw
 * checkpoints and refined watermarks assume one reader per shard: so the lanes run in a cluster
 * singleton among the nodes of the ingest role. It runs on the oldest of them; when that node
 * leaves, it first stops its lanes (the commit in flight finishes), then the next oldest starts
 * them, from the committed checkpoints. A crashed node is downed by the split brain resolver
 * before its successor starts, so two writers never overlap while the cluster is whole.
 *
 * <p>Starting is blocking IO (tables opened, refined recovery): it runs on the executor given,
 * and a failure restarts the attempt with backoff.
 */
public final class IngestWriter extends AbstractBehavior<IngestWriter.Command> {
  /** The running lanes, as the starter hands them over. */
  public interface Lanes {
    /** Stops reading and waits for the commit in flight. */
    CompletionStage<Done> stop();
  }

  /** Starts the lanes on this node (blocking). */
  @FunctionalInterface
  public interface Starter {
    Lanes start() throws Exception;
  }

  /** Messages stay on the node: the singleton manager sends Stop locally, the rest are our own. */
  public sealed interface Command extends NoSerializationVerificationNeeded permits Stop, Started, StartFailed, Stopped {}

  /** The singleton's hand-over message: stop the lanes, then stop. */
  public enum Stop implements Command { INSTANCE }

  private record Started(Lanes lanes) implements Command {}

  private record StartFailed(Throwable cause) implements Command {}

  private record Stopped() implements Command {}

  /** What the node knows of the writer: whether it runs here, and the node it runs on. */
  public static final class Status {
    private final AtomicReference<Lanes> local = new AtomicReference<>();
    private final ActorSystem<?> system;
    private final String role;

    Status(ActorSystem<?> system, String role) {
      this.system = system;
      this.role = role;
    }

    /** The lanes, when they run on this node. */
    public Optional<Lanes> local() {
      return Optional.ofNullable(local.get());
    }

    public boolean isLocal() {
      return local.get() != null;
    }

    /** This node's cluster address. */
    public String self() {
      return Cluster.get(system).selfMember().address().toString();
    }

    /**
     * Where the singleton runs or will: the oldest Up member of the role (the singleton manager's
     * own rule). Empty while no member of the role is Up.
     */
    public Optional<String> writerNode() {
      return java.util.stream.StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up() && m.hasRole(role))
          .min((Member a, Member b) -> a.isOlderThan(b) ? -1 : b.isOlderThan(a) ? 1 : 0)
          .map(m -> m.address().toString());
    }
  }

  private final Status status;
  private Lanes lanes;
  private boolean stopRequested;

  /**
   * Runs the writer as a singleton of the role's nodes; every node of the role must call this.
   *
   * @return what this node knows of the writer, for its routes
   */
  public static Status init(ActorSystem<?> system, String role, Starter starter, Executor blockingIo) {
    Status status = new Status(system, role);
    Behavior<Command> writer = Behaviors.<Command>supervise(Behaviors.setup(ctx -> new IngestWriter(ctx, starter, blockingIo, status)))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    ClusterSingleton.get(system).init(SingletonActor.of(writer, "ingest-writer")
        .withStopMessage(Stop.INSTANCE)
        .withSettings(ClusterSingletonSettings.create(system).withRole(role)));
    system.log().info("ingest writer: a singleton of the role \"{}\"; it runs on {}", role,
        status.writerNode().orElse("the oldest node of the role, once one is up"));
    return status;
  }

  private IngestWriter(ActorContext<Command> ctx, Starter starter, Executor blockingIo, Status status) {
    super(ctx);
    this.status = status;
    ctx.getLog().info("ingest writer: this node ({}) is now the cluster's writer; starting the lanes", status.self());
    ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return starter.start();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blockingIo), (started, err) -> err == null ? new Started(started) : new StartFailed(err));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Started.class, this::onStarted)
        .onMessage(StartFailed.class, f -> {
          Throwable cause = f.cause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : f.cause();
          // Restarts this actor with backoff, which starts again.
          throw new IllegalStateException("ingest writer: the lanes did not start on " + status.self() + ": " + cause, cause);
        })
        .onMessage(Stop.class, s -> onStop())
        .onMessage(Stopped.class, s -> Behaviors.stopped())
        .onSignal(PostStop.class, s -> {
          // Stopped without a hand-over (a restart after a failure, the system terminating).
          Lanes running = status.local.getAndSet(null);
          if (running != null) running.stop();
          return this;
        })
        .build();
  }

  private Behavior<Command> onStarted(Started s) {
    lanes = s.lanes();
    if (stopRequested) {
      // Handed over while still starting: stop what just started.
      return onStop();
    }
    status.local.set(lanes);
    getContext().getLog().info("ingest writer: lanes running on {}", status.self());
    return this;
  }

  private Behavior<Command> onStop() {
    stopRequested = true;
    if (lanes == null) return this; // Started will come and stop them
    status.local.set(null);
    getContext().getLog().info("ingest writer: handing over; stopping the lanes on {}", status.self());
    getContext().pipeToSelf(lanes.stop(), (d, err) -> new Stopped());
    lanes = null;
    return this;
  }
}
