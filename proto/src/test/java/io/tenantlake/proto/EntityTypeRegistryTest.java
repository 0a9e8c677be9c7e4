package io.tenantlake.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import io.tenantlake.proto.domain.confluence.v1.Page;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.domain.jira.v1.Project;
import io.tenantlake.proto.v1.BootstrapRecord;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.proto.v1.PayloadRef;
import org.junit.jupiter.api.Test;

class EntityTypeRegistryTest {

  private final EntityTypeRegistry registry = EntityTypeRegistry.defaults();

  @Test
  void defaultsMapEachTypeToItsPayloadAndDomainStream() {
    assertThat(registry.names())
        .containsExactly("jira.issue", "jira.project", "identity.user", "confluence.page");

    EntityType issue = registry.find("jira.issue").orElseThrow();
    assertThat(issue.descriptor()).isSameAs(Issue.getDescriptor());
    assertThat(issue.defaultInstance()).isSameAs(Issue.getDefaultInstance());
    assertThat(issue.stream()).isEqualTo("tenantlake-jira");
    assertThat(issue.domain()).isEqualTo("jira");
    assertThat(issue.typeUrl()).isEqualTo("type.googleapis.com/tenantlake.domain.jira.v1.Issue");

    assertThat(registry.find("jira.project").orElseThrow().descriptor()).isSameAs(Project.getDescriptor());
    assertThat(registry.find("identity.user").orElseThrow().descriptor()).isSameAs(User.getDescriptor());
    assertThat(registry.find("confluence.page").orElseThrow().descriptor()).isSameAs(Page.getDescriptor());

    assertThat(registry.streamFor("jira.project")).contains("tenantlake-jira");
    assertThat(registry.streamFor("identity.user")).contains("tenantlake-identity");
    assertThat(registry.streamFor("confluence.page")).contains("tenantlake-confluence");
    assertThat(registry.typeUrlFor("identity.user"))
        .contains("type.googleapis.com/tenantlake.domain.identity.v1.User");
    assertThat(registry.streams())
        .containsExactly("tenantlake-confluence", "tenantlake-identity", "tenantlake-jira");
  }

  @Test
  void typeUrlIsWhatAnyPackWrites() {
    for (EntityType type : registry.all()) {
      assertThat(Any.pack(type.defaultInstance()).getTypeUrl()).isEqualTo(type.typeUrl());
    }
  }

  @Test
  void unknownTypesAreEmptyNotErrors() {
    assertThat(registry.find("jira.sprint")).isEmpty();
    assertThat(registry.streamFor("jira.sprint")).isEmpty();
    assertThat(registry.typeUrlFor("")).isEmpty();
    assertThat(registry.find(null)).isEmpty();
  }

  @Test
  void matchingPayloadPasses() throws Exception {
    ChangeEvent event = Fixtures.event("jira.issue", "i-1", 3, Fixtures.ISSUE);
    assertThat(registry.checkPayload(event)).isEmpty();
    assertThat(registry.find("jira.issue").orElseThrow().parse(event.getPayload().getValue()))
        .isEqualTo(Fixtures.ISSUE);
  }

  @Test
  void mismatchedPayloadTypeIsDetected() {
    ChangeEvent event = Fixtures.event("jira.issue", "i-1", 3, Fixtures.USER);
    assertThat(registry.checkPayload(event))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .contains("tenantlake.domain.identity.v1.User")
                    .contains("jira.issue")
                    .contains("type.googleapis.com/tenantlake.domain.jira.v1.Issue"));
  }

  @Test
  void mismatchedClaimCheckTypeIsDetectedAndMissingOneAllowed() {
    PayloadRef ref =
        PayloadRef.newBuilder()
            .setUri("s3://claims/t-1/e-1")
            .setSize(300_000)
            .setSha256("ab".repeat(32))
            .setTypeUrl("type.googleapis.com/tenantlake.domain.confluence.v1.Page")
            .build();
    ChangeEvent event =
        Fixtures.event("jira.issue", "i-1", 3, Fixtures.ISSUE).toBuilder().setPayloadRef(ref).build();
    assertThat(event.hasPayload()).isFalse();
    assertThat(registry.checkPayload(event)).hasValueSatisfying(r -> assertThat(r).startsWith("payload_ref type"));

    ChangeEvent untyped = event.toBuilder().setPayloadRef(ref.toBuilder().clearTypeUrl()).build();
    assertThat(registry.checkPayload(untyped)).isEmpty();
  }

  @Test
  void unknownEntityTypeIsRejected() {
    ChangeEvent event = Fixtures.event("jira.sprint", "s-1", 1, Fixtures.ISSUE);
    assertThat(registry.checkPayload(event))
        .hasValueSatisfying(r -> assertThat(r).contains("unknown entity_type \"jira.sprint\"").contains("jira.issue"));
  }

  @Test
  void deleteWithoutPayloadPasses() {
    ChangeEvent delete =
        Fixtures.event("identity.user", "u-1", 9, Fixtures.USER).toBuilder()
            .clearPayload()
            .setOp(Op.OP_DELETED)
            .build();
    assertThat(registry.checkPayload(delete)).isEmpty();
  }

  @Test
  void bootstrapRecordsAreCheckedTheSameWay() {
    BootstrapRecord ok =
        BootstrapRecord.newBuilder()
            .setTenantId("t-1")
            .setEntityType("confluence.page")
            .setEntityId("pg-1")
            .setVersion(1)
            .setPayload(Any.pack(Fixtures.PAGE))
            .build();
    assertThat(registry.checkPayload(ok)).isEmpty();
    assertThat(registry.checkPayload(ok.toBuilder().setPayload(Any.pack(Fixtures.PROJECT)).build())).isPresent();
  }

  @Test
  void bootstrapRecordBytesReadAsAnUpsertEvent() throws Exception {
    BootstrapRecord record =
        BootstrapRecord.newBuilder()
            .setEventId("b-1")
            .setTenantId("t-1")
            .setEntityType("jira.project")
            .setEntityId("p-1")
            .setVersion(4)
            .setEmittedAt(Fixtures.T0)
            .setPayload(Any.pack(Fixtures.PROJECT))
            .build();
    ChangeEvent asEvent = ChangeEvent.parseFrom(record.toByteString());
    assertThat(asEvent.getOp()).isEqualTo(Op.OP_UNSPECIFIED);
    assertThat(asEvent.getEntityId()).isEqualTo("p-1");
    assertThat(asEvent.getVersion()).isEqualTo(4);
    assertThat(asEvent.getPayload()).isEqualTo(record.getPayload());
  }

  @Test
  void registryIsImmutableAndRejectsDuplicatesAndBadNames() {
    assertThatThrownBy(() -> registry.names().add("x.y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> registry.with(EntityType.of("jira.issue", Fixtures.PAGE)))
        .hasMessageContaining("registered twice: jira.issue");
    assertThatThrownBy(() -> EntityType.of("Jira Issue", Fixtures.ISSUE)).hasMessageContaining("<domain>.<type>");

    EntityTypeRegistry extended = registry.with(new EntityType("jira.comment", Fixtures.ISSUE, "tenantlake-jira-comments"));
    assertThat(extended.streamFor("jira.comment")).contains("tenantlake-jira-comments");
    assertThat(extended.find("jira.comment").orElseThrow().defaultInstance()).isSameAs(Issue.getDefaultInstance());
    assertThat(registry.find("jira.comment")).isEmpty();
  }
}
