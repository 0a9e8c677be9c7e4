package io.tenantlake.engine.maintenance;

import com.google.protobuf.Any;
import io.tenantlake.engine.event.Decoded;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.SourceRecord;
import io.tenantlake.engine.raw.RecordDecoder;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Raw records of jira issues for the maintenance tests, decoded as the live lane decodes them. */
final class MaintenanceFixtures {
  private static final RecordDecoder DECODER = new RecordDecoder(new EventValidator(EntityTypeRegistry.defaults()), null, 1 << 20);

  private MaintenanceFixtures() {}

  static String seq(long n) {
    return String.format("%056d", n);
  }

  static Decoded issue(String shard, long seq, String tenant, String id, long version) {
    byte[] data = ChangeEvent.newBuilder().setEventId("ev-" + tenant + "-" + id + "-" + version).setTenantId(tenant)
        .setEntityType("jira.issue").setEntityId(id).setOp(Op.OP_UPDATED).setVersion(version)
        .setPayload(Any.pack(Issue.newBuilder().setKey(id).setSummary("s" + version).build())).build().toByteArray();
    SourceRecord r = new SourceRecord(new Origin(Lane.LIVE, "tenantlake-jira", shard, seq(seq)), data, Instant.now());
    return DECODER.decode(r).toCompletableFuture().join();
  }

  static List<Decoded> one(String shard, long seq, String tenant, String id, long version) {
    return List.of(issue(shard, seq, tenant, id, version));
  }

  /** A clock this far ahead of the real one: what "after the retention" looks like without waiting. */
  static Clock ahead(Duration by) {
    return Clock.offset(Clock.system(ZoneOffset.UTC), by);
  }
}
