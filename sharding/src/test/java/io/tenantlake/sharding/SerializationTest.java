package io.tenantlake.sharding;

import static io.tenantlake.sharding.TestEvents.ev;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.proto.v1.PayloadRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every message of the tenant entity survives jackson-cbor, as across the cluster. */
class SerializationTest {
  private static ActorTestKit testKit;
  private static SerializationTestKit serialization;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
    serialization = testKit.serializationTestKit();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static <T> T roundTrip(T message) {
    assertThat(SerializationExtension.get(testKit.system().classicSystem()).findSerializerFor(message))
        .isInstanceOf(JacksonCborSerializer.class);
    return serialization.verifySerialization(message, true);
  }

  @Test
  void everyMessageRoundTrips() {
    InFlightEvent update = ev("t1", "A-1", 7);
    InFlightEvent delete = ev("t1", "A-2", 9, Op.OP_DELETED);
    ActorRef<TenantEntity.Applied> applied = testKit.<TenantEntity.Applied>createTestProbe().getRef();
    ActorRef<TenantEntity.EntityState> state = testKit.<TenantEntity.EntityState>createTestProbe().getRef();
    ActorRef<TenantEntity.TenantStatus> status = testKit.<TenantEntity.TenantStatus>createTestProbe().getRef();

    roundTrip(update);
    roundTrip(delete);
    roundTrip(new TenantEntity.Apply(List.of(update, delete), "epoch-1", applied));
    roundTrip(new TenantEntity.Apply(List.of(), "epoch-2", applied));
    roundTrip(new TenantEntity.Applied(List.of(update), 3, 2));
    roundTrip(new TenantEntity.Committed(Map.of("jira.issue/A-1", 7L, "confluence.page/P/9", Long.MAX_VALUE)));
    roundTrip(new TenantEntity.GetEntity("jira.issue", "A-1", state));
    roundTrip(new TenantEntity.EntityState("t1", "jira.issue", "A-1", update, 5L));
    roundTrip(new TenantEntity.EntityState("t1", "jira.issue", "A-1", null, null));
    roundTrip(new TenantEntity.GetStatus(status));
    roundTrip(new TenantEntity.TenantStatus("t1", 3, 10, 4, 2, 7, 100_000, 1));
  }

  @Test
  void inFlightEventKeepsTheRawEvent() {
    RawEvent raw = TestEvents.upsert("t1", "A-1", 3);
    InFlightEvent f = roundTrip(InFlightEvent.of(raw));
    RawEvent back = f.toRawEvent();
    assertThat(back.event()).isEqualTo(raw.event());
    assertThat(back.payload()).isEqualTo(raw.payload());
    assertThat(back.payloadType()).isEqualTo(raw.payloadType());
    assertThat(back.payloadRef()).isNull();
    assertThat(back.origin()).isEqualTo(raw.origin());
    assertThat(back.ingestedAt()).isEqualTo(raw.ingestedAt());
    assertThat(f.key()).isEqualTo("jira.issue/A-1");
    assertThat(f.version()).isEqualTo(3);
    assertThat(f.op()).isEqualTo(Op.OP_UPDATED);

    // no origin, no payload (a delete)
    RawEvent bare = new RawEvent(TestEvents.raw("t1", "jira.issue", "A-2", 4, Op.OP_DELETED).event(), null, null, null,
        null, Instant.EPOCH);
    RawEvent bareBack = roundTrip(InFlightEvent.of(bare)).toRawEvent();
    assertThat(bareBack.event()).isEqualTo(bare.event());
    assertThat(bareBack.payload()).isNull();
    assertThat(bareBack.origin()).isNull();
  }

  @Test
  void aClaimCheckedEventTravelsByReference() {
    RawEvent inline = TestEvents.upsert("t1", "A-1", 3);
    String ref = "s3://tenantlake-claims/claims/t1/abc";
    RawEvent claimed = new RawEvent(inline.event().toBuilder()
        .setPayloadRef(PayloadRef.newBuilder().setUri(ref).setSize(5_000_000)).build(),
        new byte[5_000_000], inline.payloadType(), ref, inline.origin(), inline.ingestedAt());
    InFlightEvent f = roundTrip(InFlightEvent.of(claimed));
    assertThat(f.payload()).isNull();
    assertThat(f.payloadRef()).isEqualTo(ref);
    assertThat(f.weight()).isLessThan(2_000);
    assertThat(f.toRawEvent().event()).isEqualTo(claimed.event());
  }
}
