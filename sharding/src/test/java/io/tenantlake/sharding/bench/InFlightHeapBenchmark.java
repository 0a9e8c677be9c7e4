package io.tenantlake.sharding.bench;

import com.google.protobuf.Timestamp;
import com.typesafe.config.ConfigFactory;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.sharding.InFlightEvent;
import io.tenantlake.sharding.TenantEntity;
import io.tenantlake.sharding.TenantEntitySettings;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Heap per in-flight event in the tenant entities: TENANTS entities are offered EVENTS events of
 * distinct keys (Jira issues with a realistic payload, about 350 bytes) that no merge commits, so
 * all stay in flight; the heap used after a full GC, before and after, gives the bytes per in-flight
 * key beside the event's own bytes (envelope + payload). Messages are serialized on the way (as
 * between nodes, {@code pekko.actor.serialize-messages = on}), so every event arrives with strings
 * of its own, as it does from a remote router. Also the peak heap of the run.
 * Usage: {@code bin/tenantlake bench heap [EVENTS [TENANTS [PAYLOAD_BYTES]]]}, defaults 1,000,000,
 * 1,000, 350.
 */
public final class InFlightHeapBenchmark {
  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int tenants = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int payloadBytes = args.length > 2 ? Integer.parseInt(args[2]) : 350;
    ActorTestKit kit = ActorTestKit.create("heap", ConfigFactory.parseString(
        "pekko.actor.serialize-messages = on\npekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
    try {
      TenantEntitySettings settings = TenantEntitySettings.fromConfig(kit.system().settings().config())
          .withPassivation(Duration.ofHours(1), Duration.ofHours(1));
      ActorRef<ClusterSharding.ShardCommand> shard = kit.spawn(Behaviors.ignore(), "shard");
      List<ActorRef<TenantEntity.Command>> entities = new ArrayList<>();
      for (int t = 0; t < tenants; t++) entities.add(kit.spawn(TenantEntity.create(tenant(t), shard, settings), "t" + t));
      TestProbe<TenantEntity.Applied> probe = kit.createTestProbe();
      long before = usedAfterGc();
      resetPeaks();
      int perTenant = events / tenants;
      int batch = Math.min(settings.maxEventsPerAsk(), 500);
      long eventBytes = 0;
      long started = System.nanoTime();
      for (int from = 0; from < perTenant; from += batch) {
        int to = Math.min(perTenant, from + batch);
        for (int t = 0; t < tenants; t++) {
          List<InFlightEvent> offer = new ArrayList<>(to - from);
          for (int k = from; k < to; k++) {
            InFlightEvent e = event(tenant(t), k, payloadBytes);
            eventBytes += e.event().length + e.payload().length;
            offer.add(e);
          }
          entities.get(t).tell(new TenantEntity.Apply(offer, "bench", probe.getRef()));
        }
        for (int t = 0; t < tenants; t++) probe.receiveMessage(Duration.ofMinutes(2));
      }
      long applied = (long) perTenant * tenants;
      double seconds = (System.nanoTime() - started) / 1e9;
      TestProbe<TenantEntity.TenantStatus> status = kit.createTestProbe();
      long inFlight = 0;
      for (ActorRef<TenantEntity.Command> e : entities) {
        e.tell(new TenantEntity.GetStatus(status.getRef()));
        inFlight += status.receiveMessage(Duration.ofMinutes(1)).inFlightKeys();
      }
      long peak = peakHeap();
      long after = usedAfterGc();
      double perEvent = (after - before) / (double) inFlight;
      System.out.printf("in flight: %,d keys in %d tenant entities (%,d offered in %.1f s, %.0f/s)%n",
          inFlight, tenants, applied, seconds, applied / seconds);
      System.out.printf("heap after GC: %,d MiB before, %,d MiB after: %,.0f bytes per in-flight key "
              + "(its envelope + payload: %,.0f bytes); peak heap %,d MiB (max %,d MiB)%n",
          before >> 20, after >> 20, perEvent, eventBytes / (double) applied, peak >> 20,
          Runtime.getRuntime().maxMemory() >> 20);
      // Keeps the entities reachable until the measurement is done.
      if (entities.isEmpty()) System.out.println();
    } finally {
      kit.shutdownTestKit();
    }
  }

  static String tenant(int t) {
    return String.format("tenant-%04d", t);
  }

  static InFlightEvent event(String tenant, int k, int payloadBytes) {
    String id = "10" + String.format("%06d", k);
    String text = "x".repeat(Math.max(0, payloadBytes - 110));
    Issue issue = Issue.newBuilder().setKey("PROJ-" + k).setProjectId("10001").setSummary("Summary of issue " + k)
        .setDescription(text).setStatus("In Progress").setAssigneeId("557058:" + tenant).setPriority("High")
        .addLabels("backend").addLabels("customer").setUpdated(Timestamp.newBuilder().setSeconds(1_796_000_000L + k))
        .build();
    ChangeEvent envelope = ChangeEvent.newBuilder().setEventId(tenant + "-" + id + "-1").setTenantId(tenant)
        .setEntityType("jira.issue").setEntityId(id).setOp(Op.OP_UPDATED).setVersion(1)
        .setEmittedAt(Timestamp.newBuilder().setSeconds(1_796_000_000L + k)).build();
    return new InFlightEvent(tenant, "jira.issue", id, 1, Op.OP_UPDATED, envelope.toByteArray(), issue.toByteArray(),
        "type.googleapis.com/tenantlake.domain.jira.v1.Issue", null, Lane.LIVE, "tenantlake-jira",
        "shardId-000000000001", String.format("%056d", (long) k), Instant.ofEpochSecond(1_796_000_000L + k));
  }

  static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
  }

  static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
    return sum;
  }
}
