package io.tenantlake.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.raw.RawTables;
import io.tenantlake.proto.EntityType;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.EventJson;
import io.tenantlake.sharding.InFlightEvent;
import io.tenantlake.sharding.RefinedNode;
import io.tenantlake.sharding.RefinedReader;
import io.tenantlake.sharding.TenantEntity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Tenant state over HTTP, tenant-scoped tokens ({@link TenantTokens}):
 * <ul>
 *   <li>{@code GET /v1/tenants/{tenant}/entities/{type}/{id}}: one entity's current state: its
 *       version, deleted or not, its payload as JSON, whether the refined tables hold it yet, and
 *       its rows in each model the type feeds.
 *   <li>{@code GET /v1/tenants/{tenant}}: rows and files per model, in-flight events, lag.
 * </ul>
 */
final class TenantRoutes extends AllDirectives {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
  private final TenantTokens tokens;
  private final RefinedNode refined;
  /** The max shard lag of the lanes, -1 on a node that does not run them. */
  private final java.util.function.LongSupplier maxLag;
  private final io.tenantlake.engine.claimcheck.ClaimCheckStore claimChecks;
  private final EventJson json;
  private final EntityTypeRegistry registry;
  private final Executor blockingIo;
  private final ActorSystem<?> system;

  TenantRoutes(TenantTokens tokens, RefinedNode refined, java.util.function.LongSupplier maxLag,
      io.tenantlake.engine.claimcheck.ClaimCheckStore claimChecks, EventJson json,
      EntityTypeRegistry registry, Executor blockingIo, ActorSystem<?> system) {
    this.tokens = tokens;
    this.refined = refined;
    this.maxLag = maxLag;
    this.claimChecks = claimChecks;
    this.json = json;
    this.registry = registry;
    this.blockingIo = blockingIo;
    this.system = system;
  }

  Route route() {
    // Paths first, then the token: other routes under /v1/tenants/{tenant}/ (the query route, which
    // also takes tokens scoped to data sources) are never answered here.
    return pathPrefix(PathMatchers.segment("v1").slash("tenants").slash(PathMatchers.segment()), tenant -> concat(
        pathEnd(() -> get(() -> guarded(tenant, () -> completeWithFuture(tenantStatus(tenant))))),
        path(PathMatchers.segment("entities").slash(PathMatchers.segment()).slash(PathMatchers.segment()),
            (type, id) -> get(() -> guarded(tenant, () -> completeWithFuture(entityState(tenant, type, id)))))));
  }

  private Route guarded(String tenant, java.util.function.Supplier<Route> inner) {
    return extractRequest(request -> {
      if (!EventValidator.TENANT_ID.matcher(tenant).matches()) {
        return complete(JsonResponses.error(StatusCodes.BAD_REQUEST, "bad_tenant", "not a tenant id"));
      }
      Optional<HttpResponse> denied = tokens.check(tenant, request.getHeader("Authorization").map(HttpHeader::value));
      return denied.isPresent() ? complete(denied.get()) : inner.get();
    });
  }

  private CompletionStage<HttpResponse> entityState(String tenant, String type, String id) {
    Optional<EntityType> entityType = registry.find(type);
    if (entityType.isEmpty()) {
      return done(JsonResponses.error(StatusCodes.NOT_FOUND, "unknown_entity_type", "no entity type " + type));
    }
    CompletionStage<TenantEntity.EntityState> inFlight = AskPattern.ask(refined.tenants().ref(tenant),
        (org.apache.pekko.actor.typed.ActorRef<TenantEntity.EntityState> reply) -> new TenantEntity.GetEntity(type, id, reply),
        ASK_TIMEOUT, system.scheduler());
    return inFlight.thenApplyAsync(state -> {
      ObjectNode body = JsonResponses.JSON.createObjectNode();
      body.put("tenant_id", tenant).put("entity_type", type).put("entity_id", id);
      ObjectNode models = body.putObject("models");
      long committedVersion = -1;
      boolean committedDeleted = false;
      // Each model commits on its own: the entity is committed once every model holds its version.
      long inEveryModel = Long.MAX_VALUE;
      for (String model : refined.modelsByEntityType().getOrDefault(type, List.of())) {
        DeltaTable table = refined.tables().get(model);
        if (table == null) continue;
        var rows = models.putArray(model);
        long inThisModel = -1;
        for (Map<String, Object> row : RefinedReader.entityRows(table, tenant, id)) {
          row.remove("tenant_id");
          // Timestamps as ISO-8601 text, as the proto JSON of payloads writes them.
          row.replaceAll((k, v) -> v instanceof java.time.Instant t ? t.toString() : v);
          long v = (Long) row.get("_version");
          inThisModel = Math.max(inThisModel, v);
          if (v > committedVersion) {
            committedVersion = v;
            committedDeleted = Boolean.TRUE.equals(row.get("_deleted"));
          }
          rows.add(JsonResponses.JSON.valueToTree(row));
        }
        inEveryModel = Math.min(inEveryModel, inThisModel);
      }
      InFlightEvent pending = state.inFlight();
      boolean pendingNewer = pending != null && pending.version() > committedVersion;
      if (!pendingNewer && committedVersion < 0) {
        return JsonResponses.error(StatusCodes.NOT_FOUND, "not_found", "no " + type + " " + id + " in tenant " + tenant);
      }
      long version = pendingNewer ? pending.version() : committedVersion;
      body.put("version", version);
      body.put("deleted", pendingNewer ? pending.deleted() : committedDeleted);
      body.put("committed", !pendingNewer && inEveryModel == committedVersion);
      byte[] payload = pendingNewer ? inFlightPayload(pending) : committedPayload(tenant, type, id, version);
      body.set("payload", payload == null ? null : payloadJson(entityType.get(), payload));
      return JsonResponses.json(StatusCodes.OK, body);
    }, blockingIo).exceptionally(err -> JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable",
        "tenant " + tenant + " did not answer: " + err.getMessage()));
  }

  /**
   * An in-flight event's payload: inline, or (claim-checked, held by reference) fetched from the
   * claim-check store and verified. Null when it cannot be had; the rest of the state still answers.
   */
  private byte[] inFlightPayload(InFlightEvent pending) {
    if (pending.payload() != null || pending.payloadRef() == null) return pending.payload();
    var ref = pending.toRawEvent().event().getPayloadRef();
    try {
      return claimChecks.get(ref).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(TenantRoutes.class).warn("tenant {}: claim check {} of in-flight {} {} v{}"
          + " not readable: {}", pending.tenantId(), ref.getUri(), pending.entityType(), pending.entityId(),
          pending.version(), e.toString());
      return null;
    }
  }

  /** The payload of the committed version, from the raw table (files pruned by entity_id statistics). */
  private byte[] committedPayload(String tenant, String type, String id, long version) {
    DeltaTable raw = DeltaTable.at(refined.storage(), RawTables.rawTableName(type));
    for (Map<String, Object> row : RefinedReader.rowsWhere(raw, tenant, "entity_id", id)) {
      if (Long.valueOf(version).equals(row.get("version"))) return (byte[]) row.get("payload");
    }
    return null;
  }

  private JsonNode payloadJson(EntityType type, byte[] payload) {
    try {
      return JsonResponses.JSON.readTree(json.print(type.parse(ByteString.copyFrom(payload))));
    } catch (Exception e) {
      return JsonResponses.JSON.getNodeFactory().textNode("(unreadable payload: " + e.getMessage() + ")");
    }
  }

  private CompletionStage<HttpResponse> tenantStatus(String tenant) {
    CompletionStage<TenantEntity.TenantStatus> status = AskPattern.ask(refined.tenants().ref(tenant),
        (org.apache.pekko.actor.typed.ActorRef<TenantEntity.TenantStatus> reply) -> new TenantEntity.GetStatus(reply),
        ASK_TIMEOUT, system.scheduler());
    return status.thenApplyAsync(s -> {
      ObjectNode body = JsonResponses.JSON.createObjectNode();
      body.put("tenant_id", tenant);
      ObjectNode models = body.putObject("models");
      refined.tables().forEach((model, table) -> {
        long[] rf = RefinedReader.tenantRowsAndFiles(table, tenant);
        models.putObject(model).put("rows", rf[0]).put("files", rf[1]).put("table_version", table.version());
      });
      body.put("in_flight", s.inFlightKeys()).put("applied", s.applied()).put("dropped_stale", s.droppedStale())
          .put("dropped_duplicate", s.droppedDuplicate()).put("max_shard_lag_ms", maxLag.getAsLong());
      return JsonResponses.json(StatusCodes.OK, body);
    }, blockingIo).exceptionally(err -> JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable",
        "tenant " + tenant + " did not answer: " + err.getMessage()));
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }
}
