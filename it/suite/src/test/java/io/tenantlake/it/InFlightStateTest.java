package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The merge commit policy's max-age holds events in flight after their raw commit: meanwhile the
 * tenant state API answers from the tenant entity (not committed yet), a claim-checked payload
 * included (fetched from the claim-check store); once the merge commits, from the refined tables.
 */
class InFlightStateTest {
  static final Map<String, String> SLOW_MERGES = new HashMap<>(Map.of("tenantlake.refined.commit.max-age", "25s"));

  static {
    SLOW_MERGES.putAll(TenantStateCheck.TOKENS);
  }

  static LocalLake lake;

  @BeforeAll
  static void start() throws Exception {
    Path logs = Paths.get("target", "it-logs", "in-flight");
    Files.createDirectories(logs);
    lake = new LocalLake("region-in-flight", 1, logs);
    lake.startEngine(SLOW_MERGES);
  }

  @AfterAll
  static void stop() throws Exception {
    if (lake != null) lake.close();
  }

  @Test
  void aClaimCheckedEventInFlightIsServedWithItsPayloadThenCommitted() throws Exception {
    String big = "x".repeat(300 * 1024); // over the 256 KiB claim-check threshold
    ChangeEvent event = ChangeEvent.newBuilder().setEventId("state-a-big-v1").setTenantId("state-a")
        .setEntityType("jira.issue").setEntityId("ISSUE-BIG").setOp(Op.OP_CREATED).setVersion(1)
        .setPayload(Any.pack(Issue.newBuilder().setKey("ISSUE-BIG").setSummary("big one").setDescription(big).build()))
        .build();
    JsonNode answer = lake.post(List.of(event), true);
    assertThat(answer.path("accepted").asInt()).isEqualTo(1);
    lake.awaitRaw(1, Duration.ofMinutes(1));
    long committedToRaw = System.nanoTime();

    String path = "/v1/tenants/state-a/entities/jira.issue/ISSUE-BIG";
    JsonNode inFlight = state(path);
    // Asked within the policy's 25 s: the merge has not run yet.
    assertThat(System.nanoTime() - committedToRaw).isLessThan(Duration.ofSeconds(20).toNanos());
    assertThat(inFlight.path("committed").asBoolean()).as("%s", inFlight).isFalse();
    assertThat(inFlight.path("version").asLong()).isEqualTo(1);
    assertThat(inFlight.path("payload").path("summary").asText()).isEqualTo("big one");
    assertThat(inFlight.path("payload").path("description").asText()).isEqualTo(big);

    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    JsonNode committed = inFlight;
    while (System.nanoTime() < deadline && !committed.path("committed").asBoolean()) {
      Thread.sleep(1_000);
      committed = state(path);
    }
    assertThat(committed.path("committed").asBoolean()).as("%s", committed).isTrue();
    assertThat(committed.path("payload").path("description").asText()).isEqualTo(big);
    assertThat(committed.path("models").path("jira_issues").get(0).path("summary").asText()).isEqualTo("big one");
  }

  private static JsonNode state(String path) throws Exception {
    HttpResponse<String> r = TenantStateCheck.get(lake, path, "token-of-a");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return LocalLake.JSON.readTree(r.body());
  }
}
