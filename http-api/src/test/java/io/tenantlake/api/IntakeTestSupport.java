package io.tenantlake.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.engine.event.EventRecords;
import io.tenantlake.engine.intake.KinesisPublisher;
import io.tenantlake.engine.intake.ShardMap;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.EventBatch;
import io.tenantlake.proto.v1.Op;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Events, requests and stream reads shared by the intake tests. */
final class IntakeTestSupport {
  static final String TOKEN = "producer-token-for-tests-1";
  static final String OTHER_TOKEN = "producer-token-for-tests-2";
  static final String CLAIM_BUCKET = "claims";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private IntakeTestSupport() {}

  /** A node with only the intake role, on a free port, against the given servers. */
  static Config config(URI kinesis, URI s3, String extra) {
    return ConfigFactory.parseString(extra + "\n"
            + "tenantlake {\n"
            + "  http.port = 0\n"
            + "  roles = [\"intake\"]\n"
            + "  aws { region = \"us-east-1\", kinesis-endpoint = \"" + kinesis + "\", s3-endpoint = \"" + s3 + "\"\n"
            + "        access-key = \"tenantlake\", secret-key = \"tenantlake-secret\" }\n"
            + "  claim-check.bucket = \"" + CLAIM_BUCKET + "\"\n"
            + "  auth { producer-tokens = [\"" + TOKEN + "\"], producer-token = \"" + OTHER_TOKEN + "\" }\n"
            + "}\n")
        .withFallback(ConfigFactory.load());
  }

  static ChangeEvent issue(String tenant, String id, long version) {
    return issue(tenant, id, version, Issue.newBuilder().setKey(id).setSummary("summary of " + id).build());
  }

  static ChangeEvent issue(String tenant, String id, long version, Issue payload) {
    return ChangeEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId(tenant)
        .setEntityType("jira.issue").setEntityId(id).setOp(version == 1 ? Op.OP_CREATED : Op.OP_UPDATED)
        .setVersion(version).setPayload(Any.pack(payload)).build();
  }

  static ChangeEvent user(String tenant, String id, long version) {
    return ChangeEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setTenantId(tenant)
        .setEntityType("identity.user").setEntityId(id).setOp(Op.OP_UPDATED).setVersion(version)
        .setPayload(Any.pack(User.newBuilder().setDisplayName("user " + id).setEmail(id + "@example.com").build()))
        .build();
  }

  static byte[] batch(List<ChangeEvent> events) {
    return EventBatch.newBuilder().addAllEvents(events).build().toByteArray();
  }

  static HttpResponse<String> post(URI base, byte[] body, String contentType, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("v1/events")).timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) b.header("Content-Type", contentType);
    if (token != null) b.header("Authorization", "Bearer " + token);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> postProto(URI base, List<ChangeEvent> events) throws Exception {
    return post(base, batch(events), "application/x-protobuf", TOKEN);
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }

  /** Every record of the stream, shard by shard in sequence order, keyed by event_id. */
  static Map<String, StreamedEvent> readStream(KinesisClient kinesis, String stream) {
    Map<String, StreamedEvent> out = new LinkedHashMap<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      while (it != null) {
        String current = it;
        GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
        for (Record record : r.records()) {
          try {
            byte[] data = record.data().asByteArray();
            boolean packed = EventRecords.isPacked(data);
            for (byte[] bytes : packed ? EventRecords.unpack(data) : List.of(data)) {
              ChangeEvent e = ChangeEvent.parseFrom(bytes);
              java.math.BigInteger hash = ShardMap.hashKey(KinesisPublisher.partitionKey(e));
              boolean keyInShard = hash.compareTo(new java.math.BigInteger(shard.hashKeyRange().startingHashKey())) >= 0
                  && hash.compareTo(new java.math.BigInteger(shard.hashKeyRange().endingHashKey())) <= 0;
              out.put(e.getEventId(), new StreamedEvent(stream, shard.shardId(), record.sequenceNumber(),
                  record.partitionKey(), packed, keyInShard, e));
            }
          } catch (InvalidProtocolBufferException x) {
            throw new AssertionError("a record that is not a ChangeEvent on " + stream, x);
          }
        }
        if (r.records().isEmpty()) break;
        it = r.nextShardIterator();
      }
    }
    return out;
  }

  /**
   * An event as read from the stream: the record's shard, sequence number and partition key,
   * whether the record packed several events, and whether the event's own key hashes into the shard.
   */
  record StreamedEvent(String stream, String shardId, String sequenceNumber, String partitionKey, boolean packed,
      boolean keyInShard, ChangeEvent event) {}

  static List<String> statuses(JsonNode body) {
    List<String> out = new ArrayList<>();
    body.get("results").forEach(r -> out.add(r.get("status").asText()));
    return out;
  }
}
