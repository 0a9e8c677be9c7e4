package io.tenantlake.sharding;

import io.tenantlake.engine.event.RawEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Routes committed raw batches through the tenant entities: each batch is grouped per tenant, each
 * tenant's events are offered to its entity ({@link TenantEntity.Apply}, in messages of at most
 * {@code max-events-per-ask} events and {@code max-bytes-per-ask} bytes, one after the other), and one
 * {@link Routed} per tenant and batch carries the events that became winners.
 *
 * <p>Up to {@code parallelism} tenants are asked at once and answers are emitted as they come
 * (unordered), so a busy or slow tenant holds one slot, not the others; the stream waits for answers
 * (backpressure). A tenant that does not answer within {@code ask-timeout} fails the stream with a
 * {@link TenantRouteException} naming it. Answers of one tenant may overtake each other across batches:
 * harmless, as last-write-wins downstream orders by version, never by arrival.
 */
public final class TenantRouter {
  private TenantRouter() {}

  /**
   * One tenant's share of a batch after its entity: {@code winners} are the batch's own events that
   * became the key's in-flight winner (at most one per key, the highest), to be sent to the models.
   */
  public record Routed(String tenantId, List<RawEvent> winners, int droppedStale, int droppedDuplicate) {}

  /** A tenant entity did not answer in time (or the ask failed). */
  public static final class TenantRouteException extends RuntimeException {
    private final String tenantId;

    TenantRouteException(String tenantId, String message, Throwable cause) {
      super(message, cause);
      this.tenantId = tenantId;
    }

    public String tenantId() {
      return tenantId;
    }
  }

  /**
   * Through the cluster-sharded tenant entities, with the sharding's settings.
   *
   * @param epoch the offering pipeline's incarnation ({@link TenantEntity.Apply#epoch()})
   */
  public static Flow<List<RawEvent>, Routed, NotUsed> flow(TenantSharding sharding, String epoch) {
    return flow(sharding::ref, sharding.system().scheduler(), sharding.settings(), epoch);
  }

  /** Through any tenant entities: {@code entities} maps a tenant id to its entity. */
  public static Flow<List<RawEvent>, Routed, NotUsed> flow(
      Function<String, ? extends RecipientRef<TenantEntity.Command>> entities, Scheduler scheduler,
      TenantEntitySettings settings, String epoch) {
    return Flow.<List<RawEvent>>create()
        .mapConcat(TenantRouter::byTenant)
        .mapAsyncUnordered(settings.askParallelism(),
            group -> route(group.getKey(), group.getValue(), entities.apply(group.getKey()), scheduler, settings, epoch));
  }

  /** The batch's events per tenant, tenants in order of first appearance. */
  static List<Map.Entry<String, List<RawEvent>>> byTenant(List<RawEvent> batch) {
    Map<String, List<RawEvent>> groups = new LinkedHashMap<>();
    for (RawEvent e : batch) groups.computeIfAbsent(e.event().getTenantId(), t -> new ArrayList<>()).add(e);
    return new ArrayList<>(groups.entrySet());
  }

  /** Messages of at most {@code maxEvents} events and (but for a single larger event) {@code maxBytes}. */
  static List<List<InFlightEvent>> chunks(List<InFlightEvent> events, int maxEvents, long maxBytes) {
    List<List<InFlightEvent>> chunks = new ArrayList<>();
    List<InFlightEvent> current = new ArrayList<>();
    long bytes = 0;
    for (InFlightEvent e : events) {
      if (!current.isEmpty() && (current.size() >= maxEvents || bytes + e.weight() > maxBytes)) {
        chunks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(e);
      bytes += e.weight();
    }
    if (!current.isEmpty()) chunks.add(current);
    return chunks;
  }

  private static CompletionStage<Routed> route(String tenantId, List<RawEvent> events,
      RecipientRef<TenantEntity.Command> entity, Scheduler scheduler, TenantEntitySettings settings, String epoch) {
    Map<String, RawEvent> originals = new HashMap<>();
    List<InFlightEvent> inFlight = new ArrayList<>(events.size());
    for (RawEvent e : events) {
      InFlightEvent f = InFlightEvent.of(e);
      inFlight.add(f);
      originals.putIfAbsent(f.key() + "@" + f.version(), e); // an equal version later is a duplicate
    }
    Outcome outcome = new Outcome();
    CompletionStage<Outcome> chain = CompletableFuture.completedFuture(outcome);
    for (List<InFlightEvent> chunk : chunks(inFlight, settings.maxEventsPerAsk(), settings.maxBytesPerAsk())) {
      chain = chain.thenCompose(o -> ask(tenantId, chunk, epoch, entity, scheduler, settings.askTimeout()).thenApply(o::add));
    }
    return chain.thenApply(o -> o.routed(tenantId, originals));
  }

  private static CompletionStage<TenantEntity.Applied> ask(String tenantId, List<InFlightEvent> chunk, String epoch,
      RecipientRef<TenantEntity.Command> entity, Scheduler scheduler, Duration timeout) {
    CompletableFuture<TenantEntity.Applied> result = new CompletableFuture<>();
    AskPattern.<TenantEntity.Command, TenantEntity.Applied>ask(entity,
            replyTo -> new TenantEntity.Apply(chunk, epoch, replyTo), timeout, scheduler)
        .whenComplete((applied, error) -> {
          if (error == null) {
            result.complete(applied);
          } else {
            result.completeExceptionally(new TenantRouteException(tenantId, "tenant " + tenantId
                + ": its entity did not answer an Apply of " + chunk.size() + " events within " + timeout.toMillis()
                + " ms (" + error + ")", error));
          }
        });
    return result;
  }

  /** One tenant's answers over the messages of one batch. */
  private static final class Outcome {
    final Map<String, InFlightEvent> winners = new LinkedHashMap<>();
    int stale;
    int duplicate;

    Outcome add(TenantEntity.Applied applied) {
      stale += applied.droppedStale();
      duplicate += applied.droppedDuplicate();
      for (InFlightEvent w : applied.winners()) {
        if (winners.put(w.key(), w) != null) stale++; // overtaken by a later message of the same batch
      }
      return this;
    }

    Routed routed(String tenantId, Map<String, RawEvent> originals) {
      List<RawEvent> out = new ArrayList<>(winners.size());
      for (InFlightEvent w : winners.values()) {
        RawEvent original = originals.get(w.key() + "@" + w.version());
        out.add(original != null ? original : w.toRawEvent());
      }
      return new Routed(tenantId, out, stale, duplicate);
    }
  }
}
