package io.tenantlake.sharding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.proto.v1.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The router over the sharded tenant entities of a single-node cluster (messages serialized). */
class TenantRouterTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static ActorTestKit testKit;
  private static TenantSharding sharding;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("router-test");
    assertThat(testKit.system().settings().config().getBoolean("pekko.actor.serialize-messages")).isTrue();
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(20),
        () -> assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up()));
    sharding = TenantSharding.init(testKit.system(),
        TenantEntitySettings.fromConfig(ConfigFactory.load()).withAsk(Duration.ofSeconds(20), 8, 1000, 192 * 1024));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static List<TenantRouter.Routed> run(List<List<RawEvent>> batches) throws Exception {
    return Source.from(batches).via(sharding.router("epoch-1")).runWith(Sink.seq(), testKit.system())
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** 20 tenants x 25 keys x versions 1..6, every even version twice, shuffled. */
  private static List<RawEvent> workload(String prefix) {
    List<RawEvent> all = new ArrayList<>();
    for (int t = 0; t < 20; t++) {
      for (int k = 0; k < 25; k++) {
        for (long v = 1; v <= 6; v++) {
          Op op = v == 1 ? Op.OP_CREATED : v == 4 && k % 5 == 0 ? Op.OP_DELETED : Op.OP_UPDATED;
          all.add(TestEvents.raw(prefix + t, "jira.issue", "K-" + k, v, op));
          if (v % 2 == 0) all.add(TestEvents.raw(prefix + t, "jira.issue", "K-" + k, v, op));
        }
      }
    }
    Collections.shuffle(all, new Random(7));
    return all;
  }

  private static String key(RawEvent e) {
    return e.event().getTenantId() + "|" + e.event().getEntityType() + "/" + e.event().getEntityId();
  }

  /** The expected fold: per key the first event of the highest version. */
  private static Map<String, RawEvent> fold(List<RawEvent> events) {
    Map<String, RawEvent> winners = new HashMap<>();
    for (RawEvent e : events) {
      winners.merge(key(e), e, (a, b) -> b.event().getVersion() > a.event().getVersion() ? b : a);
    }
    return winners;
  }

  @Test
  void oneBatchOfTwentyTenantsYieldsExactlyTheFold() throws Exception {
    List<RawEvent> batch = workload("one-");
    List<TenantRouter.Routed> routed = run(List.of(batch));

    assertThat(routed).extracting(TenantRouter.Routed::tenantId).doesNotHaveDuplicates().hasSize(20);
    Map<String, RawEvent> got = new HashMap<>();
    int winners = 0;
    int dropped = 0;
    for (TenantRouter.Routed r : routed) {
      for (RawEvent w : r.winners()) {
        assertThat(w.event().getTenantId()).isEqualTo(r.tenantId());
        assertThat(got.put(key(w), w)).as("one winner per key").isNull();
      }
      winners += r.winners().size();
      dropped += r.droppedStale() + r.droppedDuplicate();
    }
    Map<String, RawEvent> expected = fold(batch);
    assertThat(got.keySet()).isEqualTo(expected.keySet());
    expected.forEach((k, e) -> assertThat(got.get(k)).as(k).isSameAs(e)); // the batch's own event objects
    assertThat(winners + dropped).isEqualTo(batch.size());

    // the same batch again (a replay): nothing new wins
    List<TenantRouter.Routed> replay = run(List.of(batch));
    assertThat(replay).allSatisfy(r -> assertThat(r.winners()).isEmpty());
    assertThat(replay.stream().mapToInt(r -> r.droppedStale() + r.droppedDuplicate()).sum()).isEqualTo(batch.size());
    // duplicates of the in-flight winners (version 6 comes twice per key), the rest is stale
    assertThat(replay.stream().mapToInt(TenantRouter.Routed::droppedDuplicate).sum()).isEqualTo(2 * expected.size());
  }

  @Test
  void manyBatchesLeaveTheFoldInFlight() throws Exception {
    List<RawEvent> all = workload("many-");
    List<List<RawEvent>> batches = new ArrayList<>();
    for (int i = 0; i < all.size(); i += 173) batches.add(all.subList(i, Math.min(all.size(), i + 173)));
    List<TenantRouter.Routed> routed = run(batches);

    Map<String, RawEvent> highest = new HashMap<>();
    routed.forEach(r -> r.winners().forEach(
        w -> highest.merge(key(w), w, (a, b) -> b.event().getVersion() > a.event().getVersion() ? b : a)));
    Map<String, RawEvent> expected = fold(all);
    assertThat(highest.keySet()).isEqualTo(expected.keySet());
    expected.forEach((k, e) -> assertThat(highest.get(k).event().getVersion()).as(k).isEqualTo(e.event().getVersion()));

    RawEvent sample = expected.get("many-3|jira.issue/K-5");
    TenantEntity.EntityState state = sharding.ref("many-3")
        .<TenantEntity.EntityState>ask(r -> new TenantEntity.GetEntity("jira.issue", "K-5", r), WAIT)
        .toCompletableFuture().get();
    assertThat(state.inFlight().version()).isEqualTo(6);
    assertThat(state.inFlight().event()).isEqualTo(sample.event().toByteArray());
    TenantEntity.TenantStatus status = sharding.ref("many-3")
        .<TenantEntity.TenantStatus>ask(TenantEntity.GetStatus::new, WAIT).toCompletableFuture().get();
    assertThat(status.inFlightKeys()).isEqualTo(25);
    assertThat(status.applied() + status.droppedStale() + status.droppedDuplicate()).isEqualTo(25 * 9);
  }

  @Test
  void aBusyTenantDoesNotHoldBackTheOthers() throws Exception {
    List<RawEvent> batch = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) batch.add(TestEvents.upsert("busy", "K-" + (i % 2_000), 1 + i / 2_000));
    for (int t = 0; t < 5; t++) batch.add(TestEvents.upsert("quiet-" + t, "K-0", 1));

    List<TenantRouter.Routed> routed = run(List.of(batch));

    assertThat(routed).extracting(TenantRouter.Routed::tenantId)
        .containsExactlyInAnyOrder("busy", "quiet-0", "quiet-1", "quiet-2", "quiet-3", "quiet-4")
        .last().isEqualTo("busy"); // asked first, answered last: the others did not wait for it
    TenantRouter.Routed busy = routed.get(routed.size() - 1);
    assertThat(busy.winners()).hasSize(2_000).allSatisfy(w -> assertThat(w.event().getVersion()).isEqualTo(5));
    assertThat(busy.droppedStale()).isEqualTo(8_000);
  }

  @Test
  void aTenantThatDoesNotAnswerFailsTheStreamNamingItAfterTheOthersAreThrough() throws Exception {
    TestProbe<TenantEntity.Command> silent = testKit.createTestProbe();
    TenantEntitySettings settings = sharding.settings().withAsk(Duration.ofSeconds(1), 4, 1000, 192 * 1024);
    List<RawEvent> batch = new ArrayList<>();
    batch.add(TestEvents.upsert("silent", "K-0", 1));
    for (int t = 0; t < 6; t++) batch.add(TestEvents.upsert("fine-" + t, "K-0", 1));

    List<TenantRouter.Routed> seen = new CopyOnWriteArrayList<>();
    var done = Source.single((List<RawEvent>) batch)
        .via(TenantRouter.flow(t -> t.equals("silent") ? silent.getRef() : (RecipientRef<TenantEntity.Command>) sharding.ref(t),
            testKit.system().scheduler(), settings, "epoch-1"))
        .runWith(Sink.foreach(seen::add), testKit.system())
        .toCompletableFuture();

    assertThatThrownBy(() -> done.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .cause().isInstanceOf(TenantRouter.TenantRouteException.class)
        .hasMessageContaining("tenant silent")
        .satisfies(e -> assertThat(((TenantRouter.TenantRouteException) e).tenantId()).isEqualTo("silent"));
    silent.expectMessageClass(TenantEntity.Apply.class);
    assertThat(seen).extracting(TenantRouter.Routed::tenantId)
        .containsExactlyInAnyOrder("fine-0", "fine-1", "fine-2", "fine-3", "fine-4", "fine-5");
  }

  @Test
  void chunksRespectCountAndBytes() {
    List<InFlightEvent> events = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) events.add(TestEvents.ev("c", "K-" + i, 1));
    assertThat(TenantRouter.chunks(events, 1000, Long.MAX_VALUE)).extracting(List::size).containsExactly(1000, 1000, 500);
    long w = events.get(0).weight();
    assertThat(TenantRouter.chunks(events.subList(0, 10), 1000, 3 * w)).extracting(List::size).containsExactly(3, 3, 3, 1);
    assertThat(TenantRouter.chunks(events.subList(0, 2), 1000, 1)).extracting(List::size).containsExactly(1, 1);
    assertThat(TenantRouter.chunks(List.of(), 1000, 1)).isEmpty();
  }

  @Test
  void anEmptyBatchEmitsNothing() throws Exception {
    assertThat(run(List.of(List.of(), List.of()))).isEmpty();
  }
}
