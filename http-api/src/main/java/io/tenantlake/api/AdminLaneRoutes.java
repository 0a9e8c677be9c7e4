package io.tenantlake.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.tenantlake.engine.lanes.BackfillLane;
import io.tenantlake.engine.lanes.BackfillLanes;
import io.tenantlake.sharding.LaneRates;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * {@code GET|PUT /v1/admin/lanes/{lane}/rate} (admin token): a backfill lane's rate in records/s,
 * configured and measured. A PUT of {@code {"rate": 500}} applies within a second, cluster-wide,
 * with no restart; {@code 0} pauses the lane.
 */
final class AdminLaneRoutes extends AllDirectives {
  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final BearerTokens admins;
  private final BackfillLanes lanes;
  private final ActorRef<LaneRates.Command> rates;
  private final ActorSystem<?> system;

  AdminLaneRoutes(BearerTokens admins, BackfillLanes lanes, ActorRef<LaneRates.Command> rates, ActorSystem<?> system) {
    this.admins = admins;
    this.lanes = lanes;
    this.rates = rates;
    this.system = system;
  }

  Route route() {
    return path(PathMatchers.segment("v1").slash("admin").slash("lanes").slash(PathMatchers.segment()).slash("rate"),
        name -> extractRequest(request -> {
          var problem = admins.check(request.getHeader("Authorization").map(HttpHeader::value));
          if (problem.isPresent()) {
            request.discardEntityBytes(system);
            return complete(JsonResponses.unauthorized(problem.get()));
          }
          var lane = lanes.lane(name);
          if (lane.isEmpty()) {
            request.discardEntityBytes(system);
            return complete(JsonResponses.error(StatusCodes.NOT_FOUND, "not_found",
                "no lane \"" + name + "\" (throttled lanes: bootstrap, import)"));
          }
          return concat(
              get(() -> complete(JsonResponses.json(StatusCodes.OK, body(lane.get(), null)))),
              put(() -> completeWithFuture(JsonBodies.read(request.entity(), Materializer.matFromSystem(system),
                  json -> set(lane.get(), json)))));
        }));
  }

  private CompletionStage<HttpResponse> set(BackfillLane lane, JsonNode json) {
    JsonNode rate = json.get("rate");
    if (rate == null || !rate.isNumber()) {
      return CompletableFuture.completedFuture(JsonBodies.badRequest("\"rate\" (records per second, a number) is required"));
    }
    double value = rate.asDouble();
    try {
      lane.settings().validate(value);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(JsonBodies.badRequest(e.getMessage()));
    }
    return AskPattern.<LaneRates.Command, LaneRates.RateSet>ask(rates,
            replyTo -> new LaneRates.SetRate(lane.lane().label(), value, replyTo), ASK_TIMEOUT, system.scheduler())
        .thenApply(set -> JsonResponses.json(StatusCodes.OK, body(lane, set.replicated())));
  }

  private static Map<String, Object> body(BackfillLane lane, Boolean replicated) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lane", lane.lane().label());
    body.put("rate", lane.rate());
    body.put("measured_rate", Math.round(lane.measuredRate() * 10) / 10.0);
    body.put("max_rate", lane.settings().maxRate());
    body.put("passed", lane.passed());
    if (replicated != null) body.put("replicated", replicated);
    return body;
  }
}
