package io.tenantlake.sharding;

import com.google.protobuf.Timestamp;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Events for tests. */
final class TestEvents {
  private static final AtomicLong SEQ = new AtomicLong();

  private TestEvents() {}

  static RawEvent raw(String tenant, String type, String id, long version, Op op) {
    long seq = SEQ.incrementAndGet();
    ChangeEvent e = ChangeEvent.newBuilder()
        .setEventId(tenant + "-" + id + "-v" + version + "-" + seq)
        .setTenantId(tenant).setEntityType(type).setEntityId(id).setOp(op).setVersion(version)
        .setEmittedAt(Timestamp.newBuilder().setSeconds(1_700_000_000L + version))
        .build();
    byte[] payload = op == Op.OP_DELETED ? null
        : ("{\"id\":\"" + id + "\",\"v\":" + version + "}").getBytes(StandardCharsets.UTF_8);
    return new RawEvent(e, payload, op == Op.OP_DELETED ? null : "tenantlake.domain.jira.v1.Issue", null,
        new Origin(Lane.LIVE, "jira", "shardId-000000000001", String.format("%056d", seq)),
        Instant.ofEpochSecond(1_700_000_100L, seq));
  }

  static RawEvent upsert(String tenant, String id, long version) {
    return raw(tenant, "jira.issue", id, version, version == 1 ? Op.OP_CREATED : Op.OP_UPDATED);
  }

  static InFlightEvent ev(String tenant, String id, long version) {
    return InFlightEvent.of(upsert(tenant, id, version));
  }

  static InFlightEvent ev(String tenant, String id, long version, Op op) {
    return InFlightEvent.of(raw(tenant, "jira.issue", id, version, op));
  }
}
