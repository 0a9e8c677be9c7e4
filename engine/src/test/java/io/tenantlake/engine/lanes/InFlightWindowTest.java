package io.tenantlake.engine.lanes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InFlightWindowTest {
  static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("in-flight-window-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void passesAWindowOfRecordsAndMoreOnlyAsTheyAreCommitted() {
    Pair<InFlightWindow.Control, TestSubscriber.Probe<Integer>> run = Source.range(1, 100)
        .viaMat(InFlightWindow.<Integer>flow(3), Keep.right())
        .toMat(TestSink.create(system), Keep.both())
        .run(system);
    InFlightWindow.Control control = run.first();
    TestSubscriber.Probe<Integer> out = run.second();
    out.request(50);
    List<Integer> got = new ArrayList<>(next(out, 3));
    out.expectNoMessage(Duration.ofMillis(300));

    control.committed(2);
    got.addAll(next(out, 2));
    out.expectNoMessage(Duration.ofMillis(300));

    // A larger window lets more through at once; a smaller one holds back until commits catch up.
    control.resize(10);
    got.addAll(next(out, 7));
    out.expectNoMessage(Duration.ofMillis(300));
    control.resize(2);
    control.committed(8);
    out.expectNoMessage(Duration.ofMillis(300));
    control.committed(1);
    got.addAll(next(out, 1));
    assertThat(got).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
  }

  static List<Integer> next(TestSubscriber.Probe<Integer> probe, int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(probe.expectNext());
    return out;
  }

  @Test
  void callsBeforeTheStageStartsAreKept() {
    var flow = InFlightWindow.<Integer>flow(1);
    Pair<InFlightWindow.Control, TestSubscriber.Probe<Integer>> run = Source.range(1, 10).viaMat(flow, Keep.right())
        .toMat(TestSink.create(system), Keep.both()).run(system);
    run.first().resize(5);
    run.second().request(10);
    assertThat(next(run.second(), 5)).containsExactly(1, 2, 3, 4, 5);
  }
}
