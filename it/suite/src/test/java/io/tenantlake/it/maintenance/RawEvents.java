package io.tenantlake.it.maintenance;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Jira issue events as the live lane decodes them off one shard, numbered by sequence. */
final class RawEvents {
  static final String SHARD = "shard-0";
  private static final RecordDecoder DECODER = new RecordDecoder(new EventValidator(EntityTypeRegistry.defaults()), null, 1 << 20);

  private RawEvents() {}

  static String seq(long n) {
    return String.format("%056d", n);
  }

  /** One event per tenant, all at sequence numbers from {@code firstSeq}: one file per tenant partition. */
  static List<Decoded> batch(long firstSeq, String... tenants) {
    List<Decoded> out = new ArrayList<>();
    long s = firstSeq;
    for (String tenant : tenants) {
      String id = "I-" + s;
      byte[] data = ChangeEvent.newBuilder().setEventId("ev-" + tenant + "-" + s).setTenantId(tenant)
          .setEntityType("jira.issue").setEntityId(id).setOp(Op.OP_UPDATED).setVersion(1)
          .setPayload(Any.pack(Issue.newBuilder().setKey(id).setSummary("summary " + s).build())).build().toByteArray();
      out.add(DECODER.decode(new SourceRecord(new Origin(Lane.LIVE, "tenantlake-jira", SHARD, seq(s)), data, Instant.now()))
          .toCompletableFuture().join());
      s++;
    }
    return out;
  }
}
