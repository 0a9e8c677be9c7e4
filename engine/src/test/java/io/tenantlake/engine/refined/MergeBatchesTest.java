package io.tenantlake.engine.refined;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import io.tenantlake.proto.v1.ChangeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

class MergeBatchesTest {
  static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("merge-batches-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /** A raw cycle of n events whose shard position is seq. */
  static CycleResult cycle(int n, long seq) {
    List<RawEvent> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(new RawEvent(ChangeEvent.newBuilder().setEventId("e-" + seq + "-" + i).build(), null, null, null,
          new Origin(Lane.LIVE, "s", "shard-0", Long.toString(seq)), Instant.EPOCH));
    }
    return new CycleResult(Map.of("raw/jira.issue", events), 0, 0, 1, 1, Map.of("s/shard-0", Long.toString(seq)), Map.of());
  }

  Pair<TestPublisher.Probe<CycleResult>, TestSubscriber.Probe<CycleResult>> run(MergeCommitPolicy policy) {
    return TestSource.<CycleResult>probe(system).via(MergeBatches.flow(policy))
        .toMat(TestSink.probe(system), Keep.both()).run(system);
  }

  @Test
  void withNoAgeACycleGoesOnAtOnceAndThoseThatWaitForTheMergeGoAsOne() {
    var probes = run(new MergeCommitPolicy(1000, 1L << 30, Duration.ZERO));
    probes.second().request(1);
    probes.first().sendNext(cycle(10, 1));
    assertThat(probes.second().expectNext().events()).isEqualTo(10);
    // The merge is busy (no demand): three cycles arrive and are gathered.
    probes.first().sendNext(cycle(5, 2)).sendNext(cycle(7, 3)).sendNext(cycle(1, 4));
    probes.second().request(1);
    CycleResult batch = probes.second().expectNext();
    assertThat(batch.events()).isEqualTo(13);
    assertThat(batch.commits()).isEqualTo(3);
    assertThat(batch.positions()).containsEntry("s/shard-0", "4");
  }

  @Test
  void aBatchStopsGrowingAtMaxEvents() {
    var probes = run(new MergeCommitPolicy(10, 1L << 30, Duration.ZERO));
    probes.first().sendNext(cycle(6, 1)).sendNext(cycle(6, 2)).sendNext(cycle(3, 3));
    probes.second().request(3);
    // 6 + 6 would be 12: the first batch closes at 6; the rest follow, none past 10 (a single
    // cycle larger than max-events would still pass alone).
    List<Integer> sizes = new ArrayList<>();
    while (sizes.stream().mapToInt(Integer::intValue).sum() < 15) sizes.add(probes.second().expectNext().events());
    assertThat(sizes.get(0)).isEqualTo(6);
    assertThat(sizes).allMatch(n -> n <= 10);
  }

  @Test
  void aBatchAlsoStopsGrowingAtMaxBytes() {
    // Each event weighs 256 bytes here: a cycle of 4 is 1,024 bytes, so 2,600 hold two cycles, not three.
    var probes = run(new MergeCommitPolicy(1000, 2_600, Duration.ZERO));
    probes.first().sendNext(cycle(4, 1)).sendNext(cycle(4, 2)).sendNext(cycle(4, 3)).sendNext(cycle(4, 4));
    probes.second().request(4);
    List<Integer> sizes = new ArrayList<>();
    while (sizes.stream().mapToInt(Integer::intValue).sum() < 16) sizes.add(probes.second().expectNext().events());
    assertThat(sizes).allMatch(n -> n <= 8);
    assertThat(MergeBatches.weight(new MergeCommitPolicy(1000, 2_600, Duration.ZERO), cycle(4, 5)))
        .isEqualTo((long) Math.ceil(4 * 256 / 2_600.0 * MergeCommitPolicy.FULL));
  }

  @Test
  void withAnAgeCyclesGatherEvenWhileTheMergeIsFree() {
    var probes = run(new MergeCommitPolicy(1000, 1L << 30, Duration.ofMillis(400)));
    probes.second().request(5);
    probes.first().sendNext(cycle(2, 1)).sendNext(cycle(3, 2));
    CycleResult batch = probes.second().expectNext(Duration.ofSeconds(5));
    assertThat(batch.events()).isEqualTo(5);
    assertThat(batch.positions()).containsEntry("s/shard-0", "2");
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new MergeCommitPolicy(0, 1, Duration.ZERO)).hasMessageContaining("max-events");
    assertThatThrownBy(() -> new MergeCommitPolicy(1, 0, Duration.ZERO)).hasMessageContaining("max-bytes");
    assertThatThrownBy(() -> new MergeCommitPolicy(1, 1, Duration.ofSeconds(-1))).hasMessageContaining("max-age");
    assertThat(MergeCommitPolicy.fromConfig(com.typesafe.config.ConfigFactory.parseString(
        "max-events = 5, max-bytes = 1 MiB, max-age = 2s")))
        .isEqualTo(new MergeCommitPolicy(5, 1L << 20, Duration.ofSeconds(2)));
  }
}
