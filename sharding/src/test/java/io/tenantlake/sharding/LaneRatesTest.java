package io.tenantlake.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.lanes.BackfillLane;
import io.tenantlake.engine.lanes.InFlightSettings;
import io.tenantlake.engine.lanes.LaneRateSettings;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lane rates through Distributed Data: a rate set here applies to the local lane at once and is
 * written to the replicated map; a rate that arrives through the map (as from another node) is
 * applied to the local lane too.
 */
class LaneRatesTest {
  static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("lane-rates-test");
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(20),
        () -> assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aRateSetHereOrReplicatedFromElsewhereReachesTheLane() {
    BackfillLane lane = new BackfillLane(Lane.BOOTSTRAP, new LaneRateSettings(100, 10_000),
        new InFlightSettings(10, 100, Duration.ofSeconds(30)));
    var rates = testKit.spawn(LaneRates.create(Map.of("bootstrap", lane)));
    TestProbe<LaneRates.RateSet> answers = testKit.createTestProbe();

    rates.tell(new LaneRates.SetRate("bootstrap", 750, answers.ref()));
    LaneRates.RateSet set = answers.receiveMessage(Duration.ofSeconds(10));
    assertThat(set.replicated()).isTrue();
    assertThat(lane.rate()).isEqualTo(750.0);

    // Another node's write arrives through the replicator, not through this actor.
    TestProbe<Replicator.UpdateResponse<LWWMap<String, LaneRates.Rate>>> written = testKit.createTestProbe();
    var node = DistributedData.get(testKit.system()).selfUniqueAddress();
    DistributedData.get(testKit.system()).replicator().tell(new Replicator.Update<>(LaneRates.KEY, LWWMap.empty(),
        Replicator.writeLocal(), written.ref(), map -> map.put(node, "bootstrap", new LaneRates.Rate(0))));
    written.receiveMessage(Duration.ofSeconds(10));
    answers.awaitAssert(Duration.ofSeconds(10), () -> assertThat(lane.rate()).isEqualTo(0.0));
  }
}
