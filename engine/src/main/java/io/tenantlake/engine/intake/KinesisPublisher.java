package io.tenantlake.engine.intake;

import io.tenantlake.engine.event.EventRecords;
import io.tenantlake.engine.intake.PendingRecords.Outgoing;
import io.tenantlake.engine.intake.PendingRecords.Pending;
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
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
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
 *   <li>With {@link RecordPacking} on, the events of one publish that a cached shard map puts on
 *       the same shard share records ({@link EventRecords}): the first event's partition key and
 *       hash key route the record, so every event in it lands where its own key would. Each
 *       event of a record gets the record's acknowledgement or failure. A map found stale (Kinesis
 *       answered with another shard, after a reshard) is reloaded; the events of that record that
 *       do not belong where it landed are put again on their own shard, and the engine skips their
 *       misplaced copies, so each entity keeps its order across the reshard.
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
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KinesisPublisher.class);
  /** PutRecords limits (AWS and kinesalite). */
  public static final int MAX_RECORDS_PER_CALL = 500;
  public static final long MAX_BYTES_PER_CALL = 5L * 1024 * 1024;
  public static final long MAX_RECORD_BYTES = 1024L * 1024;
  public static final int MAX_PARTITION_KEY_LENGTH = 256;

  private final KinesisAsyncClient kinesis;
  private final Function<String, java.util.Optional<String>> streamOfType;
  private final PublishPolicy policy;
  private final RecordPacking packing;
  private final ShardMaps shardMaps; // null when packing is off
  private final IntakeMetrics metrics;

  /** One record per event. */
  public KinesisPublisher(KinesisAsyncClient kinesis, EntityTypeRegistry registry, PublishPolicy policy) {
    this(kinesis, registry::streamFor, policy, RecordPacking.off());
  }

  /** Counting records and re-puts into the node's intake metrics. */
  public KinesisPublisher(KinesisAsyncClient kinesis, EntityTypeRegistry registry, PublishPolicy policy,
      RecordPacking packing, IntakeMetrics metrics) {
    this(kinesis, registry::streamFor, policy, packing, metrics);
  }

  /** With an explicit entity_type → stream mapping (tests, future routing). */
  public KinesisPublisher(KinesisAsyncClient kinesis, Function<String, java.util.Optional<String>> streamOfType,
      PublishPolicy policy) {
    this(kinesis, streamOfType, policy, RecordPacking.off());
  }

  public KinesisPublisher(KinesisAsyncClient kinesis, Function<String, java.util.Optional<String>> streamOfType,
      PublishPolicy policy, RecordPacking packing) {
    this(kinesis, streamOfType, policy, packing, new IntakeMetrics());
  }

  public KinesisPublisher(KinesisAsyncClient kinesis, Function<String, java.util.Optional<String>> streamOfType,
      PublishPolicy policy, RecordPacking packing, IntakeMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.kinesis = Objects.requireNonNull(kinesis, "kinesis");
    this.streamOfType = Objects.requireNonNull(streamOfType, "streamOfType");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.packing = Objects.requireNonNull(packing, "packing");
    this.shardMaps = packing.enabled() ? new ShardMaps(kinesis, packing.shardMapMaxAge()) : null;
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
    Map<String, List<Outgoing>> byStream = new LinkedHashMap<>();
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
      byStream.computeIfAbsent(stream.get(), s -> new ArrayList<>()).add(new Outgoing(i, key, data, size - data.length));
    }
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    byStream.forEach((stream, outgoing) -> runs.add(records(stream, outgoing)
        .thenCompose(pending -> new StreamRun(stream, pending, deadline, results).next())));
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

  /** The stream's records: packed per shard when packing is on and the shard map is at hand. */
  private CompletableFuture<List<Pending>> records(String stream, List<Outgoing> outgoing) {
    if (shardMaps == null || outgoing.size() == 1) return CompletableFuture.completedFuture(PendingRecords.unpacked(outgoing));
    return shardMaps.get(stream).handle((map, err) ->
        err != null ? PendingRecords.unpacked(outgoing) : PendingRecords.packed(map, outgoing, packing));
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

  /** A packed record acknowledged on another shard than its map expected. */
  private record Landed(Pending record, String shardId, String sequenceNumber) {}

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
          .thenCompose(settled -> settled)
          .thenCompose(anyFailed -> anyFailed ? afterBackoff() : next());
    }

    /** The first entries in order, within the per-call limits. */
    private List<Pending> takeCall() {
      List<Pending> call = new ArrayList<>();
      // After a packed record for a shard, what follows for that shard waits for the next call: if
      // the map was stale, that record's misplaced events are put again first, ahead of any later
      // event of their entities.
      java.util.Set<String> packedShards = new java.util.HashSet<>();
      java.util.Set<String> held = new java.util.HashSet<>();
      long bytes = 0;
      for (Pending p : pending) {
        if (call.size() == MAX_RECORDS_PER_CALL || bytes + p.size > MAX_BYTES_PER_CALL) break;
        String shard = p.expectedShard == null ? null : p.expectedShard.shardId();
        boolean waits = shard == null ? !packedShards.isEmpty() : held.contains(shard) || packedShards.contains(shard);
        if (waits) {
          if (shard != null) held.add(shard);
          continue;
        }
        call.add(p);
        bytes += p.size;
        if (p.map != null) packedShards.add(shard);
      }
      return call;
    }

    /** Records the outcome of one call; true when some of its entries are to be retried. */
    private CompletableFuture<Boolean> settle(List<Pending> call, PutRecordsResponse response, Throwable error) {
      List<Landed> elsewhere = new ArrayList<>();
      if (error != null) {
        Throwable cause = root(error);
        if (!retryable(cause)) {
          for (Pending p : call) fail(p, describe(cause));
          return CompletableFuture.completedFuture(false);
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
            pending.remove(p);
            metrics.kinesisRecords.increment();
            if (p.map != null && !p.expectedShard.shardId().equals(r.shardId())) {
              // A reshard since the map was loaded: some of its events may not belong where it went.
              shardMaps.stale(p.map, "a record for " + p.expectedShard.shardId() + " went to " + r.shardId());
              elsewhere.add(new Landed(p, r.shardId(), r.sequenceNumber()));
            } else {
              PublishResult ack = new PublishResult.Acknowledged(stream, r.shardId(), r.sequenceNumber());
              for (Outgoing o : p.events) results[o.index()] = ack;
            }
          } else {
            p.lastError = r == null ? "no result entry for the record" : r.errorCode() + ": " + r.errorMessage();
          }
        }
      }
      boolean anyFailed = false;
      for (Pending p : call) {
        if (p.settled(results) || elsewhere.stream().anyMatch(l -> l.record == p)) continue;
        if (p.attempts >= policy.maxAttempts()) {
          fail(p, "not acknowledged after " + p.attempts + " attempts; last error: " + p.lastError);
        } else {
          anyFailed = true;
        }
      }
      if (!anyFailed) failedRounds = 0;
      if (elsewhere.isEmpty()) return CompletableFuture.completedFuture(anyFailed);
      boolean failed = anyFailed;
      return shardMaps.get(stream).handle((map, err) -> {
        for (Landed l : elsewhere) sortOut(l, err == null ? map : null);
        return failed;
      });
    }

    /**
     * A packed record that Kinesis put on another shard than its (stale) map said. Its events whose
     * own key belongs to that shard are acknowledged with it; the others go out again, alone, on
     * their own shard, ahead of anything still to send, and the engine skips their misplaced copies
     * (it drops packed events whose key lies outside the shard they were read from). So after a
     * reshard every event is read once, from the shard of its own key, and keeps its entity's order.
     */
    private void sortOut(Landed landed, ShardMap fresh) {
      var range = fresh == null ? java.util.Optional.<ShardMap.Range>empty() : fresh.rangeOf(landed.shardId);
      if (range.isEmpty()) {
        fail(landed.record, "put on " + landed.shardId + " after a reshard, and its range could not be listed");
        return;
      }
      PublishResult ack = new PublishResult.Acknowledged(stream, landed.shardId, landed.sequenceNumber);
      List<Pending> again = new ArrayList<>();
      for (Outgoing o : landed.record.events) {
        if (range.get().contains(ShardMap.hashKey(o.key()))) results[o.index()] = ack;
        else again.add(PendingRecords.single(o, null));
      }
      pending.addAll(0, again);
      metrics.putAgain.add(again.size());
      log.info("stream {}: a packed record landed on {} after a reshard; {} of its {} events belong elsewhere and go"
          + " out again on their own shards", stream, landed.shardId, again.size(), landed.record.events.size());
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
      PublishResult failed = new PublishResult.Failed(reason, false);
      for (Outgoing o : p.events) results[o.index()] = failed;
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
