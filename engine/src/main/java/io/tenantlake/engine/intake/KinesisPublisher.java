package io.tenantlake.engine.intake;

import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.v1.ChangeEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * Puts change events on their domain's Kinesis stream with PutRecords and reports, per event,
 * whether Kinesis acknowledged it (shard and sequence number) or why not.
 *
 * <ul>
 *   <li>Record data is the ChangeEvent's protobuf bytes; the partition key is
 *       {@code tenant/entity_type/entity_id}, so one entity's events land on one shard in order
 *       (a key longer than Kinesis's 256 characters keeps tenant and type and replaces the id by
 *       its sha256).
 *   <li>Calls carry at most 500 records and 5 MiB (data plus keys); a record over 1 MiB fails
 *       permanently without a call.
 *   <li>Failed entries (FailedRecordCount: throttling, internal failures) and failed calls
 *       (5xx, throttling, connection errors, timeouts) are retried, only those entries, after an
 *       exponential backoff with jitter, until {@link PublishPolicy#maxAttempts()} per event or
 *       the deadline. Errors that retrying cannot fix (unknown stream, access denied, invalid
 *       request) fail at once.
 *   <li>Per-key order: one call per stream is in flight at a time, and the events still to send
 *       are kept in their original order, so a retried entry goes out before any later event of
 *       its key that was not sent yet. What PutRecords itself cannot promise stays: when an entry
 *       fails and a later entry of the same key in the same call succeeds, those two are swapped.
 *       Ordering downstream relies on {@code version}, not on arrival.
 * </ul>
 *
 * <p>Thread-safe; one instance per node, sharing the node's Kinesis client.
 */
public final class KinesisPublisher {
  /** PutRecords limits (AWS and kinesalite). */
  public static final int MAX_RECORDS_PER_CALL = 500;
  public static final long MAX_BYTES_PER_CALL = 5L * 1024 * 1024;
  public static final long MAX_RECORD_BYTES = 1024L * 1024;
  public static final int MAX_PARTITION_KEY_LENGTH = 256;

  private final KinesisAsyncClient kinesis;
  private final Function<String, java.util.Optional<String>> streamOfType;
  private final PublishPolicy policy;

  public KinesisPublisher(KinesisAsyncClient kinesis, EntityTypeRegistry registry, PublishPolicy policy) {
    this(kinesis, registry::streamFor, policy);
  }

  /** With an explicit entity_type → stream mapping (tests, future routing). */
  public KinesisPublisher(KinesisAsyncClient kinesis, Function<String, java.util.Optional<String>> streamOfType,
      PublishPolicy policy) {
    this.kinesis = Objects.requireNonNull(kinesis, "kinesis");
    this.streamOfType = Objects.requireNonNull(streamOfType, "streamOfType");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  public PublishPolicy policy() {
    return policy;
  }

  /**
   * Publishes the events; the future completes (never exceptionally) with one result per event,
   * in the order given, once every event is acknowledged or has failed.
   */
  public CompletionStage<List<PublishResult>> publish(List<ChangeEvent> events) {
    long deadline = System.nanoTime() + policy.deadline().toNanos();
    PublishResult[] results = new PublishResult[events.size()];
    Map<String, List<Pending>> byStream = new LinkedHashMap<>();
    for (int i = 0; i < events.size(); i++) {
      ChangeEvent event = events.get(i);
      var stream = streamOfType.apply(event.getEntityType());
      if (stream.isEmpty()) {
        results[i] = new PublishResult.Failed("no stream for entity_type '" + event.getEntityType() + "'", true);
        continue;
      }
      String key = partitionKey(event);
      byte[] data = event.toByteArray();
      long size = data.length + key.getBytes(StandardCharsets.UTF_8).length;
      if (size > MAX_RECORD_BYTES) {
        results[i] = new PublishResult.Failed("the event is " + size + " bytes as a Kinesis record; at most "
            + MAX_RECORD_BYTES + " fit", true);
        continue;
      }
      PutRecordsRequestEntry entry = PutRecordsRequestEntry.builder()
          .partitionKey(key).data(SdkBytes.fromByteArrayUnsafe(data)).build();
      byStream.computeIfAbsent(stream.get(), s -> new ArrayList<>()).add(new Pending(i, entry, size));
    }
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    byStream.forEach((stream, pending) -> runs.add(new StreamRun(stream, pending, deadline, results).next()));
    return CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
        .handle((v, err) -> {
          for (int i = 0; i < results.length; i++) {
            if (results[i] == null) {
              // only reachable through a bug; never report an unknown outcome as success
              results[i] = new PublishResult.Failed("internal error: " + (err == null ? "no outcome" : root(err)), false);
            }
          }
          return Arrays.asList(results);
        });
  }

  /**
   * {@code tenant/entity_type/entity_id}, or {@code tenant/entity_type/#<sha256 of entity_id>}
   * when that exceeds Kinesis's 256 characters: the same entity always maps to the same key.
   */
  public static String partitionKey(ChangeEvent event) {
    String prefix = event.getTenantId() + "/" + event.getEntityType() + "/";
    String key = prefix + event.getEntityId();
    if (key.length() <= MAX_PARTITION_KEY_LENGTH && !key.isEmpty()) return key;
    String hashed = prefix + "#" + sha256Hex(event.getEntityId());
    return hashed.length() <= MAX_PARTITION_KEY_LENGTH ? hashed : "#" + sha256Hex(key);
  }

  /** An event still to publish, at its index in the caller's list. */
  private static final class Pending {
    final int index;
    final PutRecordsRequestEntry entry;
    final long size;
    int attempts;
    String lastError;

    Pending(int index, PutRecordsRequestEntry entry, long size) {
      this.index = index;
      this.entry = entry;
      this.size = size;
    }
  }

  /** The events of one stream: one call in flight, rounds until all are settled. */
  private final class StreamRun {
    private final String stream;
    private final List<Pending> pending; // always in original order
    private final long deadline;
    private final PublishResult[] results; // each run writes only its own indices
    private int failedRounds;

    StreamRun(String stream, List<Pending> pending, long deadline, PublishResult[] results) {
      this.stream = stream;
      this.pending = new ArrayList<>(pending);
      this.deadline = deadline;
      this.results = results;
    }

    CompletableFuture<Void> next() {
      if (pending.isEmpty()) return CompletableFuture.completedFuture(null);
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        failAll("not acknowledged by Kinesis within " + human(policy.deadline()));
        return CompletableFuture.completedFuture(null);
      }
      List<Pending> call = takeCall();
      PutRecordsRequest request = PutRecordsRequest.builder()
          .streamName(stream)
          .records(call.stream().map(p -> p.entry).toList())
          .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofNanos(Math.max(remaining, 1_000_000L))))
          .build();
      CompletableFuture<PutRecordsResponse> sent;
      try {
        sent = kinesis.putRecords(request);
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      return sent.handle((response, error) -> settle(call, response, error))
          .thenCompose(anyFailed -> anyFailed ? afterBackoff() : next());
    }

    /** The first entries in order, within the per-call limits. */
    private List<Pending> takeCall() {
      List<Pending> call = new ArrayList<>();
      long bytes = 0;
      for (Pending p : pending) {
        if (call.size() == MAX_RECORDS_PER_CALL || bytes + p.size > MAX_BYTES_PER_CALL) break;
        call.add(p);
        bytes += p.size;
      }
      return call;
    }

    /** Records the outcome of one call; true when some of its entries are to be retried. */
    private boolean settle(List<Pending> call, PutRecordsResponse response, Throwable error) {
      if (error != null) {
        Throwable cause = root(error);
        if (!retryable(cause)) {
          for (Pending p : call) fail(p, describe(cause));
          return false;
        }
        for (Pending p : call) {
          p.attempts++;
          p.lastError = describe(cause);
        }
      } else {
        List<PutRecordsResultEntry> entries = response.records();
        for (int i = 0; i < call.size(); i++) {
          Pending p = call.get(i);
          PutRecordsResultEntry r = i < entries.size() ? entries.get(i) : null;
          p.attempts++;
          if (r != null && r.errorCode() == null && r.sequenceNumber() != null) {
            results[p.index] = new PublishResult.Acknowledged(stream, r.shardId(), r.sequenceNumber());
            pending.remove(p);
          } else {
            p.lastError = r == null ? "no result entry for the record" : r.errorCode() + ": " + r.errorMessage();
          }
        }
      }
      boolean anyFailed = false;
      for (Pending p : call) {
        if (results[p.index] != null) continue;
        if (p.attempts >= policy.maxAttempts()) {
          fail(p, "not acknowledged after " + p.attempts + " attempts; last error: " + p.lastError);
        } else {
          anyFailed = true;
        }
      }
      if (!anyFailed) failedRounds = 0;
      return anyFailed;
    }

    private CompletableFuture<Void> afterBackoff() {
      failedRounds++;
      Duration pause = policy.backoff(failedRounds);
      long remaining = deadline - System.nanoTime();
      if (pause.toNanos() >= remaining) {
        // no attempt could start before the deadline: answer now rather than at the deadline
        failAll("not acknowledged by Kinesis within " + human(policy.deadline()));
        return CompletableFuture.completedFuture(null);
      }
      return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(pause.toNanos(), TimeUnit.NANOSECONDS))
          .thenCompose(v -> next());
    }

    private void failAll(String why) {
      for (Pending p : new ArrayList<>(pending)) {
        fail(p, p.lastError == null ? why : why + "; last error: " + p.lastError);
      }
    }

    private void fail(Pending p, String reason) {
      results[p.index] = new PublishResult.Failed(reason, false);
      pending.remove(p);
    }

    private String describe(Throwable cause) {
      if (cause instanceof ResourceNotFoundException) return "stream " + stream + " does not exist";
      String kind = cause.getClass().getSimpleName();
      String message = cause instanceof AwsServiceException aws && aws.awsErrorDetails() != null
          ? aws.awsErrorDetails().errorMessage() : cause.getMessage();
      return kind + (message == null ? "" : ": " + message);
    }
  }

  /** Throttling, 5xx and client-side errors (connection refused, timeouts) may pass on a retry. */
  static boolean retryable(Throwable cause) {
    if (cause instanceof AwsServiceException aws) {
      return aws.isThrottlingException() || aws.statusCode() >= 500
          || "ProvisionedThroughputExceededException".equals(errorCode(aws))
          || "LimitExceededException".equals(errorCode(aws))
          || "KMSThrottlingException".equals(errorCode(aws));
    }
    return cause instanceof SdkClientException || cause instanceof java.io.IOException
        || cause instanceof java.util.concurrent.TimeoutException;
  }

  private static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static Throwable root(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static String sha256Hex(String s) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
