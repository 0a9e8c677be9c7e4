package io.tenantlake.api;

import static io.tenantlake.api.IntakeTestSupport.OTHER_TOKEN;
import static io.tenantlake.api.IntakeTestSupport.TOKEN;
import static io.tenantlake.api.IntakeTestSupport.batch;
import static io.tenantlake.api.IntakeTestSupport.issue;
import static io.tenantlake.api.IntakeTestSupport.json;
import static io.tenantlake.api.IntakeTestSupport.post;
import static io.tenantlake.api.IntakeTestSupport.postProto;
import static io.tenantlake.api.IntakeTestSupport.readStream;
import static io.tenantlake.api.IntakeTestSupport.statuses;
import static io.tenantlake.api.IntakeTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import io.tenantlake.engine.claimcheck.ClaimCheckStore;
import io.tenantlake.proto.EventJson;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.EventBatch;
import io.tenantlake.proto.v1.PayloadEncoding;
import io.tenantlake.proto.v1.PayloadRef;
import io.tenantlake.testkit.LocalKinesisExtension;
import io.tenantlake.testkit.LocalS3Extension;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.S3Object;

/** POST /v1/events on a node with the intake role, against kinesalite and S3Proxy. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IntakeRoutesTest {
  @RegisterExtension
  static final LocalKinesisExtension KINESIS = new LocalKinesisExtension();
  @RegisterExtension
  static final LocalS3Extension S3 = new LocalS3Extension();

  static TenantlakeMain.Node node;
  static URI base;

  @BeforeAll
  static void start() throws Exception {
    KINESIS.createStream("tenantlake-jira", 2);
    KINESIS.createStream("tenantlake-identity", 1);
    S3.createBucket(IntakeTestSupport.CLAIM_BUCKET);
    node = TenantlakeMain.start(IntakeTestSupport.config(KINESIS.endpoint(), S3.endpoint(), ""), "intake-test")
        .get(60, TimeUnit.SECONDS);
    base = URI.create("http://127.0.0.1:" + node.address().getPort() + "/");
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.stop(Duration.ofSeconds(30));
  }

  static void assertAcceptedOnStream(JsonNode results, List<ChangeEvent> sent) {
    Map<String, IntakeTestSupport.StreamedEvent> jira = readStream(KINESIS.client(), "tenantlake-jira");
    Map<String, IntakeTestSupport.StreamedEvent> identity = readStream(KINESIS.client(), "tenantlake-identity");
    for (int i = 0; i < sent.size(); i++) {
      ChangeEvent e = sent.get(i);
      JsonNode r = results.get(i);
      assertThat(r.get("index").asInt()).isEqualTo(i);
      assertThat(r.get("event_id").asText()).isEqualTo(e.getEventId());
      assertThat(r.get("status").asText()).isEqualTo("accepted");
      String stream = e.getEntityType().startsWith("jira.") ? "tenantlake-jira" : "tenantlake-identity";
      var onStream = (stream.equals("tenantlake-jira") ? jira : identity).get(e.getEventId());
      assertThat(onStream).as("event %d on %s", i, stream).isNotNull();
      assertThat(onStream.event()).isEqualTo(e);
      assertThat(onStream.keyInShard()).as("event %d on the shard of its own key", i).isTrue();
      if (!onStream.packed()) {
        assertThat(onStream.partitionKey()).isEqualTo(e.getTenantId() + "/" + e.getEntityType() + "/" + e.getEntityId());
      }
      assertThat(r.get("stream").asText()).isEqualTo(stream);
      assertThat(r.get("shard_id").asText()).isEqualTo(onStream.shardId());
      assertThat(r.get("sequence_number").asText()).isEqualTo(onStream.sequenceNumber());
    }
  }

  @Test
  void aProtobufBatchIsAcceptedOnceKinesisHasIt() throws Exception {
    List<ChangeEvent> events = List.of(issue("proto", "PROJ-1", 1), issue("proto", "PROJ-1", 2), user("proto", "u-1", 7));
    HttpResponse<String> r = postProto(base, events);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = json(r);
    assertThat(body.get("accepted").asInt()).isEqualTo(3);
    assertThat(body.get("rejected").asInt()).isZero();
    assertThat(body.get("unavailable").asInt()).isZero();
    assertAcceptedOnStream(body.get("results"), events);
  }

  @Test
  void aJsonBatchIsAcceptedToo() throws Exception {
    List<ChangeEvent> events = List.of(issue("json", "J-1", 3), user("json", "u-2", 1));
    String body = EventJson.defaults().print(EventBatch.newBuilder().addAllEvents(events).build());
    HttpResponse<String> r = post(base, body.getBytes(StandardCharsets.UTF_8), "application/json; charset=UTF-8", TOKEN);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("accepted").asInt()).isEqualTo(2);
    assertAcceptedOnStream(json(r).get("results"), events);
  }

  @Test
  void badEventsAreRejectedWithReasonsWhileTheGoodOnesAreAccepted() throws Exception {
    ChangeEvent good1 = issue("mixed", "M-1", 1);
    ChangeEvent noTenant = issue("mixed", "M-2", 1).toBuilder().clearTenantId().build();
    ChangeEvent unknownType = issue("mixed", "M-3", 1).toBuilder().setEntityType("jira.sprint").build();
    ChangeEvent versionZero = issue("mixed", "M-4", 1).toBuilder().setVersion(0).build();
    ChangeEvent wrongPayload = issue("mixed", "M-5", 1).toBuilder()
        .setPayload(Any.pack(User.newBuilder().setDisplayName("not an issue").build())).build();
    ChangeEvent foreignRef = issue("mixed", "M-6", 1).toBuilder().setPayloadRef(PayloadRef.newBuilder()
        .setUri("s3://claims/claims/other-tenant/abc").setSize(10).setSha256("00")).build();
    ChangeEvent garbagePayload = issue("mixed", "M-7", 1).toBuilder().setPayload(Any.newBuilder()
        .setTypeUrl("type.googleapis.com/tenantlake.domain.jira.v1.Issue")
        .setValue(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff}))).build();
    ChangeEvent good2 = user("mixed", "u-3", 2);
    List<ChangeEvent> events = List.of(good1, noTenant, unknownType, versionZero, wrongPayload, foreignRef, garbagePayload, good2);

    HttpResponse<String> r = postProto(base, events);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("accepted").asInt()).isEqualTo(2);
    assertThat(body.get("rejected").asInt()).isEqualTo(6);
    assertThat(statuses(body)).containsExactly("accepted", "rejected", "rejected", "rejected", "rejected", "rejected",
        "rejected", "accepted");
    JsonNode results = body.get("results");
    assertThat(results.get(1).get("reason").asText()).isEqualTo("tenant_id is missing");
    assertThat(results.get(2).get("reason").asText()).startsWith("entity_type 'jira.sprint' is not known");
    assertThat(results.get(3).get("reason").asText()).isEqualTo("version must be > 0");
    assertThat(results.get(4).get("reason").asText()).contains("does not match entity_type \"jira.issue\"");
    assertThat(results.get(5).get("reason").asText()).startsWith("payload_ref must point into s3://claims/claims/mixed/");
    assertThat(results.get(6).get("reason").asText()).startsWith("payload does not parse as tenantlake.domain.jira.v1.Issue");
    for (int i = 0; i < events.size(); i++) {
      assertThat(results.get(i).get("index").asInt()).isEqualTo(i);
      assertThat(results.get(i).get("event_id").asText()).isEqualTo(events.get(i).getEventId());
    }

    var onStreams = new java.util.HashMap<>(readStream(KINESIS.client(), "tenantlake-jira"));
    onStreams.putAll(readStream(KINESIS.client(), "tenantlake-identity"));
    var mixed = onStreams.values().stream().filter(s -> s.event().getTenantId().equals("mixed")
        || s.event().getEntityId().startsWith("M-")).map(s -> s.event().getEventId()).toList();
    assertThat(mixed).containsExactlyInAnyOrder(good1.getEventId(), good2.getEventId());
  }

  @Test
  void aMissingOrUnknownTokenIs401WithAChallenge() throws Exception {
    byte[] body = batch(List.of(issue("auth", "A-1", 1)));
    for (String token : new String[] {null, "wrong-token", TOKEN + "x", ""}) {
      HttpResponse<String> r = post(base, body, "application/x-protobuf", token);
      assertThat(r.statusCode()).as("token %s", token).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(json(r).get("error").asText()).isEqualTo("unauthorized");
      assertThat(json(r).get("reason").asText()).doesNotContain("wrong-token");
    }
    HttpResponse<String> basic = send(HttpRequest.newBuilder(base.resolve("v1/events"))
        .header("Content-Type", "application/x-protobuf").header("Authorization", "Basic dXNlcjpwYXNz")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(json(basic).get("reason").asText()).isEqualTo("the Authorization header must use the Bearer scheme");
    // the second configured token (tenantlake.auth.producer-token, the environment's) is good too
    assertThat(post(base, body, "application/x-protobuf", OTHER_TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void anUnreadableBodyIs400WithTheReason() throws Exception {
    HttpResponse<String> proto = post(base, new byte[] {0x0a, (byte) 0xff, 0x01}, "application/x-protobuf", TOKEN);
    assertThat(proto.statusCode()).isEqualTo(400);
    assertThat(json(proto).get("error").asText()).isEqualTo("bad_request");
    assertThat(json(proto).get("reason").asText()).startsWith("the body is not a valid tenantlake.v1.EventBatch protobuf");

    HttpResponse<String> badJson = post(base, "{\"events\": [{\"tenantId\": 3, \"version\": \"soon\"}]}"
        .getBytes(StandardCharsets.UTF_8), "application/json", TOKEN);
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(json(badJson).get("reason").asText()).startsWith("invalid tenantlake.v1.EventBatch JSON");

    HttpResponse<String> typo = post(base, "{\"evnts\": []}".getBytes(StandardCharsets.UTF_8), "application/json", TOKEN);
    assertThat(typo.statusCode()).isEqualTo(400);
    assertThat(json(typo).get("reason").asText()).contains("evnts");

    HttpResponse<String> empty = post(base, new byte[0], "application/x-protobuf", TOKEN);
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(json(empty).get("reason").asText()).isEqualTo("the batch holds no events");
  }

  @Test
  void anOversizedBodyIs413WhetherDeclaredOrStreamed() throws Exception {
    byte[] big = new byte[16 * 1024 * 1024 + 1];
    // Declared too large: answered from the headers alone, before any of the body is read. Sent
    // on a raw socket: an HTTP client still uploading when the answer and the close come may see a
    // reset instead of the answer.
    String declared = headOnly(base, "POST /v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-protobuf\r\n"
        + "Authorization: Bearer " + TOKEN + "\r\nContent-Length: " + big.length + "\r\n\r\n");
    assertThat(declared).startsWith("HTTP/1.1 413");
    JsonNode declaredBody = IntakeTestSupport.JSON.readTree(declared.substring(declared.indexOf("\r\n\r\n") + 4));
    assertThat(declaredBody.get("error").asText()).isEqualTo("too_large");
    assertThat(declaredBody.get("reason").asText()).contains("at most 16777216");

    // no Content-Length (chunked): refused once the limit is crossed while reading
    HttpResponse<String> streamed = send(HttpRequest.newBuilder(base.resolve("v1/events"))
        .header("Content-Type", "application/x-protobuf").header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    assertThat(streamed.statusCode()).isEqualTo(413);
    assertThat(json(streamed).get("reason").asText()).isEqualTo("the body exceeds 16777216 bytes");
  }

  @Test
  void aBodyOverPekkosDefaultLimitButWithinOursIsAccepted() throws Exception {
    // 48 inline payloads of 250 KiB: a 12 MiB body (pekko-http's own default limit is 8 MiB),
    // which also takes several PutRecords calls (5 MiB each at most)
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      events.add(issue("wide", "W-" + i, 1, Issue.newBuilder().setDescription("w".repeat(250 * 1024)).build()));
    }
    HttpResponse<String> r = postProto(base, events);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("accepted").asInt()).isEqualTo(48);
    var onStream = readStream(KINESIS.client(), "tenantlake-jira");
    assertThat(events).allSatisfy(e -> assertThat(onStream.get(e.getEventId()).event().hasPayload()).isTrue());
  }

  @Test
  void tooManyEventsIs413() throws Exception {
    List<ChangeEvent> events = new ArrayList<>();
    for (int i = 0; i < 1001; i++) events.add(issue("many", "N-" + i, 1));
    HttpResponse<String> r = postProto(base, events);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).get("error").asText()).isEqualTo("too_many_events");
    assertThat(json(r).get("reason").asText()).isEqualTo("the batch holds 1001 events; at most 1000 are accepted per request");
    assertThat(postProto(base, events.subList(0, 1000)).statusCode()).isEqualTo(200);
  }

  @Test
  void anotherContentTypeIs415() throws Exception {
    for (String type : new String[] {"text/plain", "application/xml", "application/octet-stream"}) {
      HttpResponse<String> r = post(base, "hello".getBytes(StandardCharsets.UTF_8), type, TOKEN);
      assertThat(r.statusCode()).as(type).isEqualTo(415);
      assertThat(json(r).get("error").asText()).isEqualTo("unsupported_media_type");
      assertThat(json(r).get("reason").asText()).contains("application/x-protobuf").contains(type);
    }
    HttpResponse<String> get = send(HttpRequest.newBuilder(base.resolve("v1/events")).GET());
    assertThat(get.statusCode()).isEqualTo(405);
  }

  @Test
  void aFiveMebibytePayloadTravelsAsAClaimCheckUploadedOnce() throws Exception {
    Issue payload = Issue.newBuilder().setKey("BIG-1").setDescription("d".repeat(5 * 1024 * 1024)).build();
    byte[] payloadBytes = payload.toByteArray();
    ChangeEvent event = issue("bigtenant", "BIG-1", 1, payload).toBuilder()
        .setPayloadEncoding(PayloadEncoding.PAYLOAD_ENCODING_NONE).build();

    HttpResponse<String> r = postProto(base, List.of(event));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    var onStream = readStream(KINESIS.client(), "tenantlake-jira").get(event.getEventId());
    assertThat(onStream).isNotNull();
    ChangeEvent carried = onStream.event();
    assertThat(carried.hasPayload()).isFalse();
    assertThat(carried.getPayloadEncoding()).isEqualTo(PayloadEncoding.PAYLOAD_ENCODING_NONE);
    PayloadRef ref = carried.getPayloadRef();
    String sha = ClaimCheckStore.sha256(payloadBytes);
    assertThat(ref.getUri()).isEqualTo("s3://claims/claims/bigtenant/" + sha);
    assertThat(ref.getSize()).isEqualTo(payloadBytes.length);
    assertThat(ref.getSha256()).isEqualTo(sha);
    assertThat(ref.getTypeUrl()).isEqualTo("type.googleapis.com/tenantlake.domain.jira.v1.Issue");
    assertThat(carried.toBuilder().clearPayloadRef().setPayload(event.getPayload()).build()).isEqualTo(event);

    byte[] stored = S3.client().getObject(b -> b.bucket("claims").key("claims/bigtenant/" + sha),
        ResponseTransformer.toBytes()).asByteArray();
    assertThat(stored).hasSize(payloadBytes.length);
    assertThat(ClaimCheckStore.sha256(stored)).isEqualTo(sha);

    ChangeEvent again = event.toBuilder().setEventId(event.getEventId() + "-again").build();
    HttpResponse<String> second = postProto(base, List.of(again));
    assertThat(second.statusCode()).isEqualTo(200);
    List<S3Object> objects = S3.client().listObjectsV2(b -> b.bucket("claims").prefix("claims/bigtenant/")).contents();
    assertThat(objects).extracting(S3Object::key).containsExactly("claims/bigtenant/" + sha);
    assertThat(readStream(KINESIS.client(), "tenantlake-jira").get(again.getEventId()).event().getPayloadRef())
        .isEqualTo(ref);
  }

  /** Sends a request head (no body) on a socket and returns what comes back until the server closes or 5 s pass. */
  static String headOnly(java.net.URI base, String head) throws Exception {
    try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = socket.getInputStream().read(buf)) > 0; ) {
          got.write(buf, 0, n);
          String text = got.toString(StandardCharsets.UTF_8);
          // A complete JSON answer: enough.
          if (text.contains("\r\n\r\n") && text.trim().endsWith("}")) break;
        }
      } catch (java.net.SocketTimeoutException enough) {
        // the server keeps the connection open for the body it will not read: what came is the answer
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return IntakeTestSupport.HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
