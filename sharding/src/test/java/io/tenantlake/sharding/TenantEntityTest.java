package io.tenantlake.sharding;

import static io.tenantlake.sharding.TestEvents.ev;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.tenantlake.proto.v1.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tenant entity on its own (no cluster): last write wins, commits, queries, passivation. */
class TenantEntityTest {
  private static ActorTestKit testKit;
  private static TenantEntitySettings settings;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    assertThat(testKit.system().settings().config().getBoolean("pekko.actor.serialize-messages")).isTrue();
    settings = TenantEntitySettings.fromConfig(ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private record Entity(ActorRef<TenantEntity.Command> ref, TestProbe<ClusterSharding.ShardCommand> shard) {}

  private Entity spawn(String tenant, TenantEntitySettings s) {
    TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    return new Entity(testKit.spawn(TenantEntity.create(tenant, shard.getRef(), s)), shard);
  }

  private Entity spawn(String tenant) {
    return spawn(tenant, settings);
  }

  private TenantEntity.Applied apply(Entity e, List<InFlightEvent> events) {
    return apply(e, events, "epoch-1");
  }

  private TenantEntity.Applied apply(Entity e, List<InFlightEvent> events, String epoch) {
    TestProbe<TenantEntity.Applied> probe = testKit.createTestProbe();
    e.ref().tell(new TenantEntity.Apply(events, epoch, probe.getRef()));
    return probe.receiveMessage();
  }

  private TenantEntity.EntityState get(Entity e, String id) {
    TestProbe<TenantEntity.EntityState> probe = testKit.createTestProbe();
    e.ref().tell(new TenantEntity.GetEntity("jira.issue", id, probe.getRef()));
    return probe.receiveMessage();
  }

  private TenantEntity.TenantStatus status(Entity e) {
    TestProbe<TenantEntity.TenantStatus> probe = testKit.createTestProbe();
    e.ref().tell(new TenantEntity.GetStatus(probe.getRef()));
    return probe.receiveMessage();
  }

  private static List<String> keysAndVersions(List<InFlightEvent> events) {
    return events.stream().map(e -> e.key() + "@" + e.version()).toList();
  }

  @Test
  void aNewPipelineReplacesTheInFlightStateOfOneThatStoppedButKeepsCommittedVersions() {
    Entity e = spawn("t-epoch");
    apply(e, List.of(ev("t-epoch", "I-1", 3), ev("t-epoch", "I-2", 5)), "pipeline-a");
    e.ref().tell(new TenantEntity.Committed(Map.of(InFlightEvent.key("jira.issue", "I-2"), 5L)));
    // The same pipeline offering I-1@3 again: a duplicate.
    assertThat(apply(e, List.of(ev("t-epoch", "I-1", 3)), "pipeline-a").droppedDuplicate()).isEqualTo(1);

    // Pipeline a stopped before merging I-1@3; pipeline b re-applies it from raw: it wins again,
    // while I-2@5, committed, stays a duplicate and I-2@4 stays stale.
    TenantEntity.Applied b = apply(e, List.of(ev("t-epoch", "I-1", 3),
        ev("t-epoch", "I-2", 5), ev("t-epoch", "I-2", 4)), "pipeline-b");
    assertThat(keysAndVersions(b.winners())).containsExactly("jira.issue/I-1@3");
    assertThat(b.droppedDuplicate()).isEqualTo(1);
    assertThat(b.droppedStale()).isEqualTo(1);
    assertThat(status(e).inFlightKeys()).isEqualTo(1);
  }

  @Test
  void highestVersionWinsWhateverTheOrderAndDuplicatesAreDropped() {
    Entity t = spawn("t-shuffle");
    List<InFlightEvent> all = new ArrayList<>();
    for (int k = 0; k < 40; k++) {
      for (long v = 1; v <= 6; v++) {
        all.add(ev("t-shuffle", "K-" + k, v));
        if (v % 2 == 0) all.add(ev("t-shuffle", "K-" + k, v)); // a duplicate (same version, other event id)
      }
    }
    Collections.shuffle(all, new Random(42));

    Map<String, Long> lastWinner = new HashMap<>();
    int stale = 0;
    int duplicate = 0;
    for (int from = 0; from < all.size(); from += 37) {
      List<InFlightEvent> call = all.subList(from, Math.min(all.size(), from + 37));
      TenantEntity.Applied a = apply(t, call);
      assertThat(a.winners().size() + a.droppedStale() + a.droppedDuplicate()).isEqualTo(call.size());
      for (InFlightEvent w : a.winners()) {
        Long before = lastWinner.put(w.key(), w.version());
        assertThat(before == null || before < w.version()).as("a winner only ever rises: %s", w).isTrue();
      }
      assertThat(a.winners().stream().map(InFlightEvent::key).distinct().count()).isEqualTo(a.winners().size());
      stale += a.droppedStale();
      duplicate += a.droppedDuplicate();
    }

    for (int k = 0; k < 40; k++) {
      TenantEntity.EntityState s = get(t, "K-" + k);
      assertThat(s.inFlight().version()).isEqualTo(6);
      assertThat(s.inFlight().toRawEvent().payload()).asString().contains("\"v\":6");
      assertThat(s.committedVersion()).isNull();
      assertThat(lastWinner).containsEntry("jira.issue/K-" + k, 6L);
    }
    TenantEntity.TenantStatus st = status(t);
    assertThat(st.inFlightKeys()).isEqualTo(40);
    assertThat(st.applied() + st.droppedStale() + st.droppedDuplicate()).isEqualTo(all.size());
    assertThat(st.droppedStale()).isEqualTo(stale);
    assertThat(st.droppedDuplicate()).isEqualTo(duplicate).isPositive();
    assertThat(st.committed()).isZero();
  }

  @Test
  void withinOneCallOnlyTheHighestIsReportedAndOvertakenOnesCountAsStale() {
    Entity t = spawn("t-one-call");
    TenantEntity.Applied a = apply(t, List.of(ev("t-one-call", "A", 3), ev("t-one-call", "B", 1),
        ev("t-one-call", "A", 5), ev("t-one-call", "A", 4), ev("t-one-call", "A", 5), ev("t-one-call", "B", 2)));
    assertThat(keysAndVersions(a.winners())).containsExactly("jira.issue/A@5", "jira.issue/B@2");
    assertThat(a.droppedStale()).isEqualTo(3); // A3 (overtaken), A4, B1 (overtaken)
    assertThat(a.droppedDuplicate()).isEqualTo(1); // the second A5

    TenantEntity.Applied again = apply(t, List.of(ev("t-one-call", "A", 5), ev("t-one-call", "B", 1)));
    assertThat(again.winners()).isEmpty();
    assertThat(again.droppedDuplicate()).isEqualTo(1);
    assertThat(again.droppedStale()).isEqualTo(1);
  }

  @Test
  void aDeleteKeepsOlderUpdatesOutAndAHigherVersionRecreates() {
    Entity t = spawn("t-delete");
    apply(t, List.of(ev("t-delete", "X", 1), ev("t-delete", "X", 2)));
    TenantEntity.Applied del = apply(t, List.of(ev("t-delete", "X", 5, Op.OP_DELETED)));
    assertThat(del.winners()).singleElement().satisfies(w -> {
      assertThat(w.deleted()).isTrue();
      assertThat(w.payload()).isNull();
    });

    TenantEntity.Applied late = apply(t, List.of(ev("t-delete", "X", 4), ev("t-delete", "X", 3, Op.OP_UPDATED)));
    assertThat(late.winners()).isEmpty();
    assertThat(late.droppedStale()).isEqualTo(2);
    assertThat(get(t, "X").inFlight().op()).isEqualTo(Op.OP_DELETED);

    // the tombstone is committed: older updates stay out, from the committed version alone
    t.ref().tell(new TenantEntity.Committed(Map.of("jira.issue/X", 5L)));
    assertThat(get(t, "X").inFlight()).isNull();
    assertThat(apply(t, List.of(ev("t-delete", "X", 4))).droppedStale()).isEqualTo(1);
    assertThat(apply(t, List.of(ev("t-delete", "X", 5, Op.OP_DELETED))).droppedDuplicate()).isEqualTo(1);

    TenantEntity.Applied recreate = apply(t, List.of(ev("t-delete", "X", 6, Op.OP_CREATED)));
    assertThat(keysAndVersions(recreate.winners())).containsExactly("jira.issue/X@6");
    TenantEntity.EntityState s = get(t, "X");
    assertThat(s.inFlight().op()).isEqualTo(Op.OP_CREATED);
    assertThat(s.committedVersion()).isEqualTo(5L);
  }

  @Test
  void committedClearsInFlightUpToItsVersionOnly() {
    Entity t = spawn("t-commit");
    apply(t, List.of(ev("t-commit", "A", 3), ev("t-commit", "B", 7), ev("t-commit", "C", 2)));
    t.ref().tell(new TenantEntity.Committed(Map.of("jira.issue/A", 3L, "jira.issue/B", 6L, "jira.issue/C", 9L,
        "jira.issue/D", 4L)));

    assertThat(get(t, "A").inFlight()).isNull();
    assertThat(get(t, "A").committedVersion()).isEqualTo(3L);
    assertThat(get(t, "B").inFlight().version()).isEqualTo(7); // a newer event than the commit stays
    assertThat(get(t, "B").committedVersion()).isEqualTo(6L);
    assertThat(get(t, "C").inFlight()).isNull();
    assertThat(get(t, "D").inFlight()).isNull();
    assertThat(get(t, "D").committedVersion()).isEqualTo(4L);
    assertThat(get(t, "E")).isEqualTo(new TenantEntity.EntityState("t-commit", "jira.issue", "E", null, null));

    TenantEntity.TenantStatus st = status(t);
    assertThat(st.inFlightKeys()).isEqualTo(1);
    assertThat(st.committed()).isEqualTo(2);
    assertThat(st.committedKeysKnown()).isEqualTo(4);
    assertThat(st.applied()).isEqualTo(3);

    // against committed versions: equal is a duplicate, lower stale, higher wins
    TenantEntity.Applied a = apply(t, List.of(ev("t-commit", "A", 3), ev("t-commit", "D", 2), ev("t-commit", "C", 10),
        ev("t-commit", "B", 7)));
    assertThat(keysAndVersions(a.winners())).containsExactly("jira.issue/C@10");
    assertThat(a.droppedDuplicate()).isEqualTo(2);
    assertThat(a.droppedStale()).isEqualTo(1);

    // an older commit report changes nothing
    t.ref().tell(new TenantEntity.Committed(Map.of("jira.issue/A", 1L)));
    assertThat(get(t, "A").committedVersion()).isEqualTo(3L);
  }

  @Test
  void committedVersionsAreBoundedLeastRecentlyUsedFirst() {
    Entity t = spawn("t-lru", settings.withCommittedKeysMax(2));
    t.ref().tell(new TenantEntity.Committed(Map.of("jira.issue/A", 5L)));
    t.ref().tell(new TenantEntity.Committed(Map.of("jira.issue/B", 5L)));
    assertThat(apply(t, List.of(ev("t-lru", "A", 4))).droppedStale()).isEqualTo(1); // touches A
    t.ref().tell(new TenantEntity.Committed(Map.of("jira.issue/C", 5L))); // forgets B

    assertThat(status(t).committedKeysKnown()).isEqualTo(2);
    assertThat(get(t, "B").committedVersion()).isNull();
    // forgotten: the older event passes here (the refined MERGE drops it against the table's version)
    assertThat(apply(t, List.of(ev("t-lru", "B", 4))).winners()).hasSize(1);
    assertThat(apply(t, List.of(ev("t-lru", "C", 4))).droppedStale()).isEqualTo(1);
  }

  @Test
  void eventsOfAnotherTenantAreRejected() {
    Entity t = spawn("t-mine");
    TenantEntity.Applied a = apply(t, List.of(ev("t-mine", "A", 1), ev("t-other", "A", 2)));
    assertThat(keysAndVersions(a.winners())).containsExactly("jira.issue/A@1");
    assertThat(status(t).rejected()).isEqualTo(1);
    assertThat(get(t, "A").inFlight().tenantId()).isEqualTo("t-mine");
  }

  @Test
  void passivatesWhenIdleButWaitsLongerWhileHoldingUncommittedEvents() {
    TenantEntitySettings quick = settings.withPassivation(Duration.ofMillis(200), Duration.ofMillis(1500));

    Entity empty = spawn("t-idle", quick);
    ClusterSharding.ShardCommand p = empty.shard().expectMessageClass(ClusterSharding.Passivate.class, Duration.ofSeconds(3));
    assertThat(((ClusterSharding.Passivate<?>) p).entity()).isEqualTo(empty.ref());

    Entity busy = spawn("t-in-flight", quick);
    apply(busy, List.of(ev("t-in-flight", "A", 1)));
    busy.shard().expectNoMessage(Duration.ofMillis(800));
    busy.shard().expectMessageClass(ClusterSharding.Passivate.class, Duration.ofSeconds(3));

    Entity committed = spawn("t-committed", quick);
    apply(committed, List.of(ev("t-committed", "A", 1)));
    committed.ref().tell(new TenantEntity.Committed(Map.of("jira.issue/A", 1L)));
    // passivates after passivate-after-idle, well before max-idle-with-in-flight
    committed.shard().expectMessageClass(ClusterSharding.Passivate.class, Duration.ofMillis(1200));
  }
}
