package io.tenantlake.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tenantlake.engine.intake.EventIntake;
import io.tenantlake.engine.intake.IntakeMetrics;
import io.tenantlake.engine.intake.IntakeResult;
import io.tenantlake.proto.EventJson;
import io.tenantlake.proto.EventJsonException;
import io.tenantlake.proto.v1.EventBatch;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events}: producers hand in a batch of change events, as a protobuf
 * {@code EventBatch} ({@code application/x-protobuf}) or its JSON form ({@code application/json}),
 * with a producer bearer token. The answer is JSON, per event in request order; see
 * {@link #route()} for the status codes.
 */
public final class IntakeRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(IntakeRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REALM = "tenantlake";

  private final IntakeSettings settings;
  private final BearerTokens producers;
  private final EventIntake intake;
  private final EventJson eventJson;
  private final Materializer materializer;
  private final IntakeMetrics metrics;
  private final AtomicInteger inFlight = new AtomicInteger();

  public IntakeRoutes(IntakeSettings settings, BearerTokens producers, EventIntake intake, EventJson eventJson,
      Materializer materializer) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.producers = Objects.requireNonNull(producers, "producers");
    this.intake = Objects.requireNonNull(intake, "intake");
    this.eventJson = Objects.requireNonNull(eventJson, "eventJson");
    this.materializer = Objects.requireNonNull(materializer, "materializer");
    this.metrics = intake.metrics();
  }

  /**
   * <ul>
   *   <li>200: every event has a result; {@code accepted} ones are stored in Kinesis, {@code rejected}
   *       ones carry the reason (a bad event never holds back the good ones).
   *   <li>503 with Retry-After: some valid events could not be stored in time (status
   *       {@code unavailable}); the others' results are final. Also when the node is too busy.
   *   <li>400 unreadable body, 401 missing or unknown token (with WWW-Authenticate), 413 body or
   *       batch too large, 415 other content types: JSON {@code {"error":..., "reason":...}}, no
   *       event looked at.
   * </ul>
   */
  public Route route() {
    // bounded by pekko-http's request-timeout otherwise: reading the body, claim checks, publishing
    long timeoutMillis = settings.bodyReadTimeout().toMillis() + 2 * settings.publish().deadline().toMillis() + 5_000;
    return path(PathMatchers.segment("v1").slash("events"), () -> post(() ->
        withRequestTimeout(scala.concurrent.duration.Duration.create(timeoutMillis, TimeUnit.MILLISECONDS), () ->
            extractRequest(request -> completeWithFuture(handle(request))))));
  }

  private enum Format { PROTOBUF, JSON }

  CompletionStage<HttpResponse> handle(HttpRequest request) {
    long start = System.nanoTime();
    metrics.requests.increment();
    var authProblem = producers.check(request.getHeader("Authorization").map(HttpHeader::value));
    HttpEntity entity = request.entity();
    if (authProblem.isPresent()) {
      return unread(entity, start, JsonResponses.unauthorized(authProblem.get()));
    }
    Format format = format(entity.getContentType().mediaType());
    if (format == null) {
      return unread(entity, start, error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
          "Content-Type must be application/x-protobuf (an EventBatch) or application/json; got "
              + entity.getContentType().mediaType()));
    }
    OptionalLong declared = entity.getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > settings.maxBodySize()) {
      return unread(entity, start, tooLarge("the body is " + declared.getAsLong() + " bytes; at most "
          + settings.maxBodySize() + " are accepted"));
    }
    if (inFlight.incrementAndGet() > settings.maxConcurrentRequests()) {
      inFlight.decrementAndGet();
      return unread(entity, start, error(StatusCodes.SERVICE_UNAVAILABLE, "busy",
          "too many intake requests in progress on this node; retry later").addHeader(retryAfter()));
    }
    CompletionStage<HttpResponse> answer;
    try {
      // the limit applies while reading: an oversized body fails at the limit, never buffered whole
      answer = entity.withSizeLimit(settings.maxBodySize())
          .toStrict(settings.bodyReadTimeout().toMillis(), settings.maxBodySize(), materializer)
          .thenCompose(strict -> process(strict, format, start))
          .exceptionally(err -> {
            // the rest of a body cut at the limit is not read: the connection cannot be reused
            HttpResponse response = bodyFailure(err).addHeader(Connection.create("close"));
            metrics.refusedRequests.increment();
            debug(start, response, "refused");
            return response;
          });
    } catch (RuntimeException e) {
      answer = refused(start, bodyFailure(e));
    }
    return answer.whenComplete((response, err) -> inFlight.decrementAndGet());
  }

  private CompletionStage<HttpResponse> process(HttpEntity.Strict body, Format format, long start) {
    EventBatch batch;
    try {
      batch = format == Format.PROTOBUF ? EventBatch.parseFrom(body.getData().asByteBuffer())
          : eventJson.parseBatch(utf8(body.getData().asByteBuffer()));
    } catch (InvalidProtocolBufferException e) {
      return refused(start, badRequest("the body is not a valid tenantlake.v1.EventBatch protobuf: " + e.getMessage()));
    } catch (EventJsonException e) {
      return refused(start, badRequest(e.getMessage()));
    } catch (CharacterCodingException e) {
      return refused(start, badRequest("the JSON body is not valid UTF-8"));
    }
    int count = batch.getEventsCount();
    if (count == 0) {
      return refused(start, badRequest("the batch holds no events"));
    }
    if (count > settings.maxBatchEvents()) {
      return refused(start, error(StatusCodes.PAYLOAD_TOO_LARGE, "too_many_events", "the batch holds " + count
          + " events; at most " + settings.maxBatchEvents() + " are accepted per request"));
    }
    return intake.submit(batch.getEventsList()).thenApply(results -> {
      HttpResponse response = answer(results);
      debug(start, response, count + " events");
      return response;
    });
  }

  /** 200 with the per-event results, or 503 (Retry-After) when some valid events were not stored. */
  private HttpResponse answer(List<IntakeResult> results) {
    int accepted = 0;
    int rejected = 0;
    int unavailable = 0;
    ArrayNode items = JSON.createArrayNode();
    for (IntakeResult r : results) {
      ObjectNode item = items.addObject();
      item.put("index", r.index());
      item.put("event_id", r.eventId());
      item.put("status", r.status().wireName());
      switch (r.status()) {
        case ACCEPTED -> {
          accepted++;
          item.put("stream", r.stream());
          item.put("shard_id", r.shardId());
          item.put("sequence_number", r.sequenceNumber());
        }
        case REJECTED -> {
          rejected++;
          item.put("reason", r.reason());
        }
        case UNAVAILABLE -> {
          unavailable++;
          item.put("reason", r.reason());
        }
      }
    }
    ObjectNode body = JSON.createObjectNode();
    if (unavailable > 0) {
      body.put("error", "unavailable");
      body.put("reason", unavailable + " event(s) could not be stored in time; resend those with status "
          + "\"unavailable\" (the accepted ones are stored)");
    }
    body.put("accepted", accepted);
    body.put("rejected", rejected);
    body.put("unavailable", unavailable);
    body.set("results", items);
    HttpResponse response = json(unavailable > 0 ? StatusCodes.SERVICE_UNAVAILABLE : StatusCodes.OK, body);
    return unavailable > 0 ? response.addHeader(retryAfter()) : response;
  }

  private HttpResponse bodyFailure(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof EntityStreamSizeException) {
        return tooLarge("the body exceeds " + settings.maxBodySize() + " bytes");
      }
      if (t instanceof TimeoutException) {
        return error(StatusCodes.REQUEST_TIMEOUT, "request_timeout",
            "the body did not arrive within " + settings.bodyReadTimeout().toSeconds() + " s");
      }
    }
    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    log.warn("intake request failed: {}", cause.toString());
    return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal_error", "the request could not be processed");
  }

  private static Format format(MediaType mediaType) {
    if (!"application".equals(mediaType.mainType())) return null;
    return switch (mediaType.subType()) {
      case "x-protobuf", "protobuf", "vnd.google.protobuf" -> Format.PROTOBUF;
      case "json" -> Format.JSON;
      default -> null;
    };
  }

  private static String utf8(ByteBuffer bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
  }

  /**
   * A refusal before the body was read. A body that has not fully arrived is not read either (no
   * reading megabytes for an unauthorised caller): the connection is closed after the answer,
   * and says so, so that the client does not send its next request on it.
   */
  private CompletionStage<HttpResponse> unread(HttpEntity entity, long start, HttpResponse response) {
    return refused(start, entity.isStrict() ? response : response.addHeader(Connection.create("close")));
  }

  private CompletionStage<HttpResponse> refused(long start, HttpResponse response) {
    metrics.refusedRequests.increment();
    debug(start, response, "refused");
    return CompletableFuture.completedFuture(response);
  }

  private static void debug(long start, HttpResponse response, String what) {
    if (log.isDebugEnabled()) {
      log.debug("POST /v1/events {} ({}) in {} ms", response.status().intValue(), what,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
  }

  private HttpHeader retryAfter() {
    return RetryAfter.create(settings.retryAfterSeconds());
  }

  private HttpResponse tooLarge(String reason) {
    return error(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", reason);
  }

  private static HttpResponse badRequest(String reason) {
    return error(StatusCodes.BAD_REQUEST, "bad_request", reason);
  }

  static HttpResponse error(StatusCode status, String error, String reason) {
    return JsonResponses.error(status, error, reason);
  }

  private static HttpResponse json(StatusCode status, ObjectNode body) {
    return JsonResponses.json(status, body);
  }
}
