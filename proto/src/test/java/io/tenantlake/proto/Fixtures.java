package io.tenantlake.proto;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.tenantlake.proto.domain.confluence.v1.Page;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.domain.jira.v1.Project;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;

/** One sample payload per default entity type, and events that carry them. */
final class Fixtures {
  private Fixtures() {}

  static final Timestamp T0 = Timestamp.newBuilder().setSeconds(1_790_000_000L).setNanos(123_000_000).build();

  static final Issue ISSUE =
      Issue.newBuilder()
          .setKey("PROJ-7")
          .setProjectId("p-1")
          .setSummary("Login fails with \"ü\" in the password")
          .setDescription("Steps:\n1. type ü\n2. submit")
          .setStatus("In Progress")
          .setAssigneeId("u-9")
          .setPriority("High")
          .addLabels("auth")
          .addLabels("i18n")
          .setCreated(T0)
          .setUpdated(Timestamp.newBuilder().setSeconds(T0.getSeconds() + 60))
          .build();

  static final Project PROJECT =
      Project.newBuilder().setKey("PROJ").setName("Project").setLeadId("u-1").build();

  static final User USER =
      User.newBuilder().setDisplayName("Ada").setEmail("ada@example.com").setActive(true).build();

  static final Page PAGE =
      Page.newBuilder()
          .setSpaceKey("ENG")
          .setTitle("Runbook")
          .setBody("<p>hello</p>")
          .setAuthorId("u-1")
          .setUpdated(T0)
          .build();

  static ChangeEvent event(String entityType, String entityId, long version, Message payload) {
    return ChangeEvent.newBuilder()
        .setEventId("e-" + entityType + "-" + entityId + "-" + version)
        .setTenantId("t-1")
        .setEntityType(entityType)
        .setEntityId(entityId)
        .setOp(version == 1 ? Op.OP_CREATED : Op.OP_UPDATED)
        .setVersion(version)
        .setEmittedAt(T0)
        .setPayload(Any.pack(payload))
        .build();
  }
}
