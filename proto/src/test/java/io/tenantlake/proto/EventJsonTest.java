package io.tenantlake.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.EventBatch;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.proto.v1.PayloadEncoding;
import io.tenantlake.proto.v1.PayloadRef;
import org.junit.jupiter.api.Test;

class EventJsonTest {

  private final EventJson json = EventJson.defaults();

  @Test
  void batchWithEveryPayloadTypeRoundTrips() {
    EventBatch batch =
        EventBatch.newBuilder()
            .addEvents(Fixtures.event("jira.issue", "i-1", 1, Fixtures.ISSUE))
            .addEvents(Fixtures.event("jira.project", "p-1", 2, Fixtures.PROJECT))
            .addEvents(Fixtures.event("identity.user", "u-1", 3, Fixtures.USER))
            .addEvents(Fixtures.event("confluence.page", "pg-1", 4, Fixtures.PAGE))
            .addEvents(
                Fixtures.event("confluence.page", "pg-2", 5, Fixtures.PAGE).toBuilder()
                    .setPayloadRef(
                        PayloadRef.newBuilder()
                            .setUri("s3://claims/t-1/pg-2")
                            .setSize(400_000)
                            .setSha256("0f".repeat(32))
                            .setTypeUrl("type.googleapis.com/tenantlake.domain.confluence.v1.Page"))
                    .setPayloadEncoding(PayloadEncoding.PAYLOAD_ENCODING_GZIP))
            .addEvents(
                Fixtures.event("identity.user", "u-2", 6, Fixtures.USER).toBuilder()
                    .clearPayload()
                    .setOp(Op.OP_DELETED))
            .build();

    String text = json.print(batch);
    // Payloads are real JSON objects, not base64 bytes: that is what the TypeRegistry is for.
    assertThat(text)
        .contains("\"@type\":\"type.googleapis.com/tenantlake.domain.jira.v1.Issue\"")
        .contains("\"summary\":\"Login fails with \\\"ü\\\" in the password\"")
        .contains("\"displayName\":\"Ada\"")
        .contains("\"spaceKey\":\"ENG\"")
        .contains("\"payloadEncoding\":\"PAYLOAD_ENCODING_GZIP\"")
        .contains("\"emittedAt\":\"2026-09-21T14:13:20.123Z\"");

    assertThat(json.parseBatch(text)).isEqualTo(batch);
  }

  @Test
  void parsesHandWrittenSnakeCaseJson() {
    String body =
        """
        {"events": [{
          "event_id": "e-1", "tenant_id": "t-1", "entity_type": "jira.issue", "entity_id": "i-1",
          "op": "OP_UPDATED", "version": 42, "emitted_at": "2026-11-26T05:00:00Z",
          "payload": {"@type": "type.googleapis.com/tenantlake.domain.jira.v1.Issue",
                      "key": "PROJ-1", "labels": ["a", "b"], "updated": "2026-11-26T04:59:59.5Z"}
        }]}
        """;
    ChangeEvent event = json.parseBatch(body).getEvents(0);
    assertThat(event.getVersion()).isEqualTo(42);
    assertThat(event.getOp()).isEqualTo(Op.OP_UPDATED);
    assertThat(EntityTypeRegistry.defaults().checkPayload(event)).isEmpty();
    assertThat(event.getPayload().is(Issue.class)).isTrue();
  }

  @Test
  void printsSingleEventsAndPayloads() {
    ChangeEvent event = Fixtures.event("jira.project", "p-1", 2, Fixtures.PROJECT);
    assertThat(json.parseEvent(json.print(event))).isEqualTo(event);
    assertThat(json.print(Fixtures.PROJECT)).isEqualTo("{\"key\":\"PROJ\",\"name\":\"Project\",\"leadId\":\"u-1\"}");
    EntityType project = EntityTypeRegistry.defaults().find("jira.project").orElseThrow();
    assertThat(json.parsePayload(project, json.print(Fixtures.PROJECT))).isEqualTo(Fixtures.PROJECT);
  }

  @Test
  void parseErrorsSayWhy() {
    assertThatThrownBy(() -> json.parseBatch("{\"events\": [{\"tenant\": \"t-1\"}]}"))
        .isInstanceOf(EventJsonException.class)
        .hasMessageContaining("tenantlake.v1.EventBatch")
        .hasMessageContaining("tenant");
    assertThatThrownBy(() -> json.parseBatch("{\"events\": [{\"op\": \"OP_EXPLODED\"}]}"))
        .isInstanceOf(EventJsonException.class)
        .hasMessageContaining("OP_EXPLODED");
    assertThatThrownBy(() -> json.parseBatch("{\"events\": [{\"version\": \"soon\"}]}"))
        .isInstanceOf(EventJsonException.class)
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> json.parseBatch("{\"events\": [ {"))
        .isInstanceOf(EventJsonException.class)
        .hasMessageStartingWith("invalid tenantlake.v1.EventBatch JSON: ");
    assertThatThrownBy(() -> json.parseBatch(" "))
        .isInstanceOf(EventJsonException.class)
        .hasMessageContaining("empty input");
  }

  @Test
  void unregisteredPayloadTypeIsRejected() {
    String body =
        "{\"events\": [{\"entityType\": \"jira.issue\", \"payload\":"
            + " {\"@type\": \"type.googleapis.com/acme.v1.Rocket\", \"fuel\": 1}}]}";
    assertThatThrownBy(() -> json.parseBatch(body))
        .isInstanceOf(EventJsonException.class)
        .hasMessageContaining("acme.v1.Rocket");
  }

  @Test
  void printingAnUndecodablePayloadFailsClearly() {
    ChangeEvent gzipInline =
        Fixtures.event("jira.issue", "i-1", 1, Fixtures.ISSUE).toBuilder()
            .setPayload(Any.newBuilder().setTypeUrl("type.googleapis.com/tenantlake.domain.jira.v1.Issue")
                .setValue(ByteString.copyFrom(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0})))
            .build();
    assertThatThrownBy(() -> json.print(gzipInline))
        .isInstanceOf(EventJsonException.class)
        .hasMessageStartingWith("cannot print tenantlake.v1.ChangeEvent as JSON: ");

    ChangeEvent foreign =
        Fixtures.event("jira.issue", "i-1", 1, Fixtures.ISSUE).toBuilder()
            .setPayload(Any.pack(com.google.protobuf.Duration.newBuilder().setSeconds(1).build()))
            .build();
    assertThatThrownBy(() -> json.print(foreign))
        .isInstanceOf(EventJsonException.class)
        .hasMessageContaining("google.protobuf.Duration");
  }
}
