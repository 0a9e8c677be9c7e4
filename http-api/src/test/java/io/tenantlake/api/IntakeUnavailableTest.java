package io.tenantlake.api;

import static io.tenantlake.api.IntakeTestSupport.issue;
import static io.tenantlake.api.IntakeTestSupport.json;
import static io.tenantlake.api.IntakeTestSupport.postProto;
import static io.tenantlake.api.IntakeTestSupport.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.testkit.LocalKinesis;
import io.tenantlake.testkit.LocalS3;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When Kinesis (or the claim-check store) goes away, the intake answers 503 with Retry-After, by its deadline. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IntakeUnavailableTest {
  static LocalKinesis kinesis;
  static LocalS3 s3;
  static TenantlakeMain.Node node;
  static URI base;

  @BeforeAll
  static void start() throws Exception {
    kinesis = LocalKinesis.start();
    s3 = LocalS3.start();
    kinesis.createStream("tenantlake-jira", 1);
    s3.createBucket(IntakeTestSupport.CLAIM_BUCKET);
    String shortDeadline = "tenantlake.intake { retry-after = 2s, publish { min-backoff = 50ms, max-backoff = 300ms, "
        + "deadline = 1500ms } }";
    node = TenantlakeMain.start(IntakeTestSupport.config(kinesis.endpoint(), s3.endpoint(), shortDeadline), "unavailable-test")
        .get(60, TimeUnit.SECONDS);
    base = URI.create("http://127.0.0.1:" + node.address().getPort() + "/");
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.stop(Duration.ofSeconds(30));
    if (kinesis != null) kinesis.close();
    if (s3 != null) s3.close();
  }

  @Test
  void kinesisGoneMeans503WithRetryAfterByTheDeadlineAndBadEventsStillRejected() throws Exception {
    assertThat(postProto(base, List.of(issue("down", "D-1", 1))).statusCode()).isEqualTo(200);

    kinesis.close();
    ChangeEvent good = issue("down", "D-2", 1);
    ChangeEvent bad = issue("down", "D-3", 1).toBuilder().setVersion(-1).build();
    long start = System.nanoTime();
    HttpResponse<String> r = postProto(base, List.of(good, bad));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    assertThat(took).isLessThan(Duration.ofSeconds(6));
    assertThat(r.headers().firstValue("Retry-After")).contains("2");
    JsonNode body = json(r);
    assertThat(body.get("error").asText()).isEqualTo("unavailable");
    assertThat(body.get("accepted").asInt()).isZero();
    assertThat(body.get("rejected").asInt()).isEqualTo(1);
    assertThat(body.get("unavailable").asInt()).isEqualTo(1);
    assertThat(statuses(body)).containsExactly("unavailable", "rejected");
    assertThat(body.get("results").get(0).get("event_id").asText()).isEqualTo(good.getEventId());
    assertThat(body.get("results").get(0).get("reason").asText()).startsWith("not acknowledged by Kinesis within 1500 ms");
    assertThat(body.get("results").get(1).get("reason").asText()).isEqualTo("version must be > 0");

    // the claim-check store gone as well: a large payload is unavailable too, not lost silently
    s3.close();
    ChangeEvent big = issue("down", "D-4", 1, Issue.newBuilder().setDescription("b".repeat(300 * 1024)).build());
    HttpResponse<String> claim = postProto(base, List.of(big));
    assertThat(claim.statusCode()).isEqualTo(503);
    assertThat(json(claim).get("results").get(0).get("reason").asText())
        .startsWith("the payload could not be stored in the claim-check store");
  }
}
