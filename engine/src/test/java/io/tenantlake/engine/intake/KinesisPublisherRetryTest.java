package io.tenantlake.engine.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.v1.ChangeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** Retry behaviour with a scripted Kinesis: which entries go out again, in which order, and when it stops. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KinesisPublisherRetryTest {
  static final PublishPolicy POLICY = new PublishPolicy(4, Duration.ofMillis(5), Duration.ofMillis(40), Duration.ofSeconds(10));

  /** Kinesis that acknowledges every entry except those the predicate (call number, partition key) fails. */
  static final class Scripted {
    final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    int sequence;

    FakeKinesis client(BiPredicate<Integer, String> fails) {
      return new FakeKinesis(request -> {
        int call = calls.size();
        calls.add(request.records().stream().map(e -> e.partitionKey() + "#" + ChangeEventVersion.of(e)).toList());
        List<PutRecordsResultEntry> results = new ArrayList<>();
        int failed = 0;
        for (var entry : request.records()) {
          if (fails.test(call, entry.partitionKey() + "#" + ChangeEventVersion.of(entry))) {
            failed++;
            results.add(PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException")
                .errorMessage("Rate exceeded for shard shardId-000000000000").build());
          } else {
            results.add(PutRecordsResultEntry.builder().shardId("shardId-000000000000")
                .sequenceNumber(Integer.toString(++sequence)).build());
          }
        }
        return CompletableFuture.completedFuture(PutRecordsResponse.builder().failedRecordCount(failed).records(results).build());
      });
    }
  }

  /** The version of the event in an entry, to name entries in assertions. */
  static final class ChangeEventVersion {
    static long of(software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry e) {
      try {
        return ChangeEvent.parseFrom(e.data().asByteArray()).getVersion();
      } catch (com.google.protobuf.InvalidProtocolBufferException x) {
        throw new AssertionError(x);
      }
    }
  }

  static List<ChangeEvent> events(int n) {
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 1; i <= n; i++) events.add(KinesisPublisherTest.issue("t", "K" + (i % 2), i, 1));
    return events;
  }

  static List<PublishResult> publish(KinesisPublisher p, List<ChangeEvent> events) throws Exception {
    return p.publish(events).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void retriesOnlyTheFailedEntriesInTheirOriginalOrder() throws Exception {
    Scripted kinesis = new Scripted();
    // first call: versions 2 and 4 (key K0) are throttled; second call: version 4 once more
    KinesisPublisher publisher = new KinesisPublisher(kinesis.client((call, entry) ->
        (call == 0 && (entry.endsWith("#2") || entry.endsWith("#4"))) || (call == 1 && entry.endsWith("#4"))),
        EntityTypeRegistry.defaults(), POLICY);

    List<PublishResult> results = publish(publisher, events(5));

    assertThat(results).allMatch(PublishResult::acknowledged);
    assertThat(kinesis.calls).containsExactly(
        List.of("t/jira.issue/K1#1", "t/jira.issue/K0#2", "t/jira.issue/K1#3", "t/jira.issue/K0#4", "t/jira.issue/K1#5"),
        List.of("t/jira.issue/K0#2", "t/jira.issue/K0#4"),
        List.of("t/jira.issue/K0#4"));
    // the acknowledgement of each event is its own call's answer
    assertThat(((PublishResult.Acknowledged) results.get(3)).sequenceNumber()).isEqualTo("5");
  }

  @Test
  void aRetriedEntryGoesOutBeforeLaterEventsOfItsKeyThatWereNotSentYet() throws Exception {
    Scripted kinesis = new Scripted();
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 1; i <= 501; i++) events.add(KinesisPublisherTest.issue("t", i == 1 || i == 501 ? "hot" : "k" + i, i, 1));
    KinesisPublisher publisher = new KinesisPublisher(
        kinesis.client((call, entry) -> call == 0 && entry.equals("t/jira.issue/hot#1")), EntityTypeRegistry.defaults(), POLICY);

    assertThat(publish(publisher, events)).allMatch(PublishResult::acknowledged);
    assertThat(kinesis.calls).hasSize(2);
    assertThat(kinesis.calls.get(0)).hasSize(500);
    assertThat(kinesis.calls.get(1)).containsExactly("t/jira.issue/hot#1", "t/jira.issue/hot#501");
  }

  @Test
  void givesUpOnAnEntryAfterMaxAttemptsAndKeepsTheOthers() throws Exception {
    Scripted kinesis = new Scripted();
    KinesisPublisher publisher = new KinesisPublisher(kinesis.client((call, entry) -> entry.endsWith("#3")),
        EntityTypeRegistry.defaults(), POLICY);

    List<PublishResult> results = publish(publisher, events(4));

    assertThat(kinesis.calls).hasSize(4);
    assertThat(results.get(2)).isInstanceOfSatisfying(PublishResult.Failed.class, f -> assertThat(f.reason())
        .isEqualTo("not acknowledged after 4 attempts; last error: ProvisionedThroughputExceededException: "
            + "Rate exceeded for shard shardId-000000000000"));
    assertThat(List.of(results.get(0), results.get(1), results.get(3))).allMatch(PublishResult::acknowledged);
  }

  @Test
  void retriesAServerErrorButNotARequestError() throws Exception {
    List<Integer> calls = new ArrayList<>();
    KinesisPublisher flaky = new KinesisPublisher(new FakeKinesis(request -> {
      calls.add(request.records().size());
      if (calls.size() < 3) {
        return CompletableFuture.failedFuture(KinesisException.builder().statusCode(503)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceUnavailable").errorMessage("try later").build()).build());
      }
      return CompletableFuture.completedFuture(PutRecordsResponse.builder().failedRecordCount(0).records(
          request.records().stream().map(e -> PutRecordsResultEntry.builder().shardId("s").sequenceNumber("1").build()).toList())
          .build());
    }), EntityTypeRegistry.defaults(), POLICY);
    assertThat(publish(flaky, events(2))).allMatch(PublishResult::acknowledged);
    assertThat(calls).containsExactly(2, 2, 2);

    List<PutRecordsRequest> refused = new ArrayList<>();
    KinesisPublisher invalid = new KinesisPublisher(new FakeKinesis(request -> {
      refused.add(request);
      return CompletableFuture.failedFuture(InvalidArgumentException.builder().statusCode(400)
          .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidArgumentException").errorMessage("bad").build()).build());
    }), EntityTypeRegistry.defaults(), POLICY);
    assertThat(publish(invalid, events(2))).allSatisfy(r -> assertThat(r)
        .isEqualTo(new PublishResult.Failed("InvalidArgumentException: bad", false)));
    assertThat(refused).hasSize(1);
  }

  @Test
  void backoffGrowsWithJitterWithinItsBounds() {
    PublishPolicy p = new PublishPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(10));
    for (int round = 1; round < 40; round++) {
      Duration d = p.backoff(round);
      long ceiling = Math.min(2000, 100L << Math.min(round - 1, 20));
      assertThat(d.toMillis()).as("round %d", round).isBetween(ceiling / 2 - 1, ceiling);
    }
  }
}
