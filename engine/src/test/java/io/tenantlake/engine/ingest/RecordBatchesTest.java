package io.tenantlake.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.event.Decoded;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.engine.raw.CommitPolicy;
import io.tenantlake.proto.v1.ChangeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RecordBatchesTest {
  static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("record-batches-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /** A record at sequence number seq holding n events of payloadBytes each (256 + payload weigh each). */
  static List<Decoded> record(long seq, int n, int payloadBytes) {
    List<Decoded> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Decoded.Event(new RawEvent(ChangeEvent.newBuilder().setEventId(seq + "-" + i).build(),
          new byte[payloadBytes], null, null, new Origin(Lane.LIVE, "s", "shard-0", Long.toString(seq)), Instant.EPOCH)));
    }
    return out;
  }

  Pair<TestPublisher.Probe<List<Decoded>>, TestSubscriber.Probe<List<Decoded>>> run(int maxEvents, long maxBytes,
      Duration maxAge) {
    return TestSource.<List<Decoded>>probe(system)
        .via(RecordBatches.flow(new CommitPolicy(maxEvents, maxBytes, maxAge, 1 << 20)))
        .toMat(TestSink.probe(system), Keep.both()).run(system);
  }

  static List<String> sequences(List<Decoded> batch) {
    return batch.stream().map(d -> d.origin().sequenceNumber()).distinct().toList();
  }

  @Test
  void aRecordIsNeverSplitAndTheOneThatOverflowsStartsTheNextBatch() {
    var probes = run(10, 1L << 30, Duration.ofMinutes(1));
    probes.second().request(10);
    probes.first().sendNext(record(1, 4, 0)).sendNext(record(2, 4, 0)).sendNext(record(3, 4, 0));
    List<Decoded> first = probes.second().expectNext();
    assertThat(first).hasSize(8);
    assertThat(sequences(first)).containsExactly("1", "2");
    // A record bigger than a whole batch goes alone, whole.
    probes.first().sendNext(record(4, 25, 0));
    assertThat(sequences(probes.second().expectNext())).containsExactly("3");
    List<Decoded> big = probes.second().expectNext();
    assertThat(big).hasSize(25);
    probes.first().sendComplete();
    probes.second().expectComplete();
  }

  @Test
  void bytesCloseABatchToo() {
    var probes = run(1000, 3 * (256 + 744), Duration.ofMinutes(1)); // three 1,000-byte events
    probes.second().request(10);
    probes.first().sendNext(record(1, 2, 744)).sendNext(record(2, 2, 744));
    assertThat(probes.second().expectNext()).hasSize(2);
    probes.first().sendNext(record(3, 1, 744));
    assertThat(sequences(probes.second().expectNext())).containsExactly("2", "3");
  }

  @Test
  void aSmallBatchGoesAtMaxAgeAndGrowsWhileDownstreamIsBusy() {
    var probes = run(1000, 1L << 30, Duration.ofMillis(200));
    probes.second().request(1);
    probes.first().sendNext(record(1, 3, 0));
    assertThat(probes.second().expectNext(Duration.ofSeconds(3))).hasSize(3);
    // No demand (a commit is running): the batch is due after 200 ms but keeps growing.
    probes.first().sendNext(record(2, 3, 0));
    probes.second().expectNoMessage(Duration.ofMillis(400));
    probes.first().sendNext(record(3, 3, 0)).sendNext(record(4, 3, 0));
    probes.second().request(1);
    List<Decoded> grown = probes.second().expectNext();
    assertThat(sequences(grown)).containsExactly("2", "3", "4");
  }

  @Test
  void completionFlushesWhatIsLeftIncludingARecordThatOverflowed() {
    var probes = run(5, 1L << 30, Duration.ofMinutes(1));
    probes.first().sendNext(record(1, 4, 0)).sendNext(record(2, 4, 0)).sendComplete();
    probes.second().request(5);
    assertThat(sequences(probes.second().expectNext())).containsExactly("1");
    assertThat(sequences(probes.second().expectNext())).containsExactly("2");
    probes.second().expectComplete();
  }
}
