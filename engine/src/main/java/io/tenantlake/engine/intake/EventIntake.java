package io.tenantlake.engine.intake;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tenantlake.engine.claimcheck.ClaimCheckStore;
import io.tenantlake.engine.config.EngineSettings.ClaimCheckSettings;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.proto.EntityType;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.PayloadEncoding;
import io.tenantlake.proto.v1.PayloadRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the intake does with a batch, apart from HTTP: check each event ({@link EventValidator}
 * plus the intake's own payload rules), store payloads over the claim-check threshold in S3 and
 * make their events carry a {@link PayloadRef} instead, publish the rest to Kinesis, and answer
 * per event in request order. Bad events never hold back good ones; an event is
 * {@link IntakeResult.Status#ACCEPTED} only once Kinesis acknowledged it.
 */
public final class EventIntake {
  private final EventValidator validator;
  private final ClaimCheckStore claims;
  private final ClaimCheckSettings claimSettings;
  private final String ownClaimPrefix; // s3://bucket/prefix
  private final KinesisPublisher publisher;
  private final IntakeMetrics metrics;

  public EventIntake(EventValidator validator, ClaimCheckStore claims, ClaimCheckSettings claimSettings,
      KinesisPublisher publisher, IntakeMetrics metrics) {
    this.validator = Objects.requireNonNull(validator, "validator");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.claimSettings = Objects.requireNonNull(claimSettings, "claimSettings");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    String prefix = claimSettings.prefix();
    if (!prefix.isEmpty() && !prefix.endsWith("/")) prefix += "/";
    this.ownClaimPrefix = "s3://" + claimSettings.bucket() + "/" + prefix;
  }

  public IntakeMetrics metrics() {
    return metrics;
  }

  /** One result per event, in order; the future never fails. */
  public CompletionStage<List<IntakeResult>> submit(List<ChangeEvent> events) {
    IntakeResult[] results = new IntakeResult[events.size()];
    List<CompletableFuture<Void>> uploads = new ArrayList<>();
    ChangeEvent[] ready = new ChangeEvent[events.size()]; // what goes to Kinesis, by index
    for (int i = 0; i < events.size(); i++) {
      ChangeEvent event = events.get(i);
      Optional<String> problem = problem(event);
      if (problem.isPresent()) {
        results[i] = IntakeResult.rejected(i, event.getEventId(), problem.get());
      } else if (event.hasPayload() && event.getPayload().getValue().size() > claimSettings.threshold()) {
        int index = i;
        uploads.add(claimCheck(event)
            .thenAccept(rewritten -> ready[index] = rewritten)
            .exceptionally(err -> {
              results[index] = IntakeResult.unavailable(index, event.getEventId(),
                  "the payload could not be stored in the claim-check store: " + message(err));
              return null;
            }));
      } else {
        ready[i] = event;
      }
    }
    return CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new))
        .thenCompose(v -> publish(events, ready, results))
        .handle((list, err) -> {
          if (err != null) { // a bug: still answer for every event, as not stored
            List<IntakeResult> out = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
              out.add(results[i] != null && results[i].status() != IntakeResult.Status.ACCEPTED ? results[i]
                  : IntakeResult.unavailable(i, events.get(i).getEventId(), "internal error: " + message(err)));
            }
            metrics.record(out);
            return out;
          }
          metrics.record(list);
          return list;
        });
  }

  private CompletionStage<List<IntakeResult>> publish(List<ChangeEvent> events, ChangeEvent[] ready,
      IntakeResult[] results) {
    List<ChangeEvent> toPublish = new ArrayList<>();
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < ready.length; i++) {
      if (ready[i] != null && results[i] == null) {
        toPublish.add(ready[i]);
        indices.add(i);
      }
    }
    CompletionStage<List<PublishResult>> published = toPublish.isEmpty()
        ? CompletableFuture.completedFuture(List.of()) : publisher.publish(toPublish);
    return published.thenApply(outcomes -> {
      for (int k = 0; k < outcomes.size(); k++) {
        int i = indices.get(k);
        String eventId = events.get(i).getEventId();
        PublishResult outcome = outcomes.get(k);
        if (outcome instanceof PublishResult.Acknowledged a) {
          results[i] = IntakeResult.accepted(i, eventId, a.stream(), a.shardId(), a.sequenceNumber());
        } else {
          PublishResult.Failed f = (PublishResult.Failed) outcome;
          results[i] = f.permanent() ? IntakeResult.rejected(i, eventId, f.reason())
              : IntakeResult.unavailable(i, eventId, f.reason());
        }
      }
      return List.of(results);
    });
  }

  /** The validator's verdict, then the intake's own rules about payloads. */
  Optional<String> problem(ChangeEvent event) {
    Optional<String> problem = validator.problem(event);
    if (problem.isPresent()) return problem;
    if (event.hasPayload()) {
      Any payload = event.getPayload();
      long size = payload.getValue().size();
      if (size > claimSettings.maxSize()) {
        return Optional.of("payload is " + size + " bytes; at most " + claimSettings.maxSize() + " are accepted");
      }
      PayloadEncoding encoding = event.getPayloadEncoding();
      if (encoding == PayloadEncoding.PAYLOAD_ENCODING_NONE || encoding == PayloadEncoding.PAYLOAD_ENCODING_UNSPECIFIED) {
        // caught here with a clear answer rather than dead-lettered after it was acknowledged
        EntityType type = validator.registry().find(event.getEntityType()).orElseThrow();
        try {
          type.parse(payload.getValue());
        } catch (InvalidProtocolBufferException e) {
          return Optional.of("payload does not parse as " + type.descriptor().getFullName() + ": " + e.getMessage());
        }
      }
    }
    if (event.hasPayloadRef()) {
      // A reference is only honoured inside this tenant's part of our claim-check store: a
      // producer must not point the lake at another tenant's objects or at foreign buckets.
      PayloadRef ref = event.getPayloadRef();
      String own = ownClaimPrefix + event.getTenantId() + "/";
      if (!ref.getUri().startsWith(own) || ref.getUri().length() == own.length() || ref.getUri().contains("/../")) {
        return Optional.of("payload_ref must point into " + own + " (send large payloads inline: the intake "
            + "stores them as claim checks itself)");
      }
      if (ref.getSize() < 0 || ref.getSize() > claimSettings.maxSize()) {
        return Optional.of("payload_ref size " + ref.getSize() + " is outside 0.." + claimSettings.maxSize());
      }
    }
    return Optional.empty();
  }

  /** Uploads the payload (idempotent: content-addressed) and returns the event carrying its reference. */
  private CompletableFuture<ChangeEvent> claimCheck(ChangeEvent event) {
    Any payload = event.getPayload();
    long timeoutMillis = publisher.policy().deadline().toMillis();
    CompletableFuture<PayloadRef> put;
    try {
      put = claims.put(event.getTenantId(), payload.getValue().toByteArray(), payload.getTypeUrl()).toCompletableFuture();
    } catch (RuntimeException e) {
      put = CompletableFuture.failedFuture(e);
    }
    return put.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .thenApply(ref -> {
          metrics.claimChecks.increment();
          // setting the oneof's payload_ref clears the inline payload; payload_encoding is kept
          return event.toBuilder().setPayloadRef(ref).build();
        });
  }

  private static String message(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    if (t instanceof TimeoutException) return "no answer within the publish deadline";
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }
}
