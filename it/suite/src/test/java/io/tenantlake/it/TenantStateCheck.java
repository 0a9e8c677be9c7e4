package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The tenant state API against a running lake whose engine has the given tenant tokens. */
public final class TenantStateCheck {
  static final Map<String, String> TOKENS = Map.of(
      "tenantlake.auth.tenant-tokens.state-a.0", "token-of-a", "tenantlake.auth.tenant-tokens.state-b.0", "token-of-b");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private TenantStateCheck() {}

  public static HttpResponse<String> get(LocalLake lake, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(lake.engineUri().resolve(path)).timeout(Duration.ofSeconds(20));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void run(LocalLake lake) throws Exception {
    List<ChangeEvent> events = List.of(issue(3, "third", "bug"), issue(1, "first", "bug", "urgent"), issue(2, "second"));
    assertThat(lake.post(events, true).path("accepted").asInt()).isEqualTo(3);
    String path = "/v1/tenants/state-a/entities/jira.issue/ISSUE-7";
    JsonNode state = null;
    String last = "no answer";
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = get(lake, path, "token-of-a");
      last = r.statusCode() + " " + r.body();
      if (r.statusCode() == 200) {
        state = LocalLake.JSON.readTree(r.body());
        if (state.path("committed").asBoolean() && state.path("version").asLong() == 3) break;
      }
      Thread.sleep(1_000);
    }
    assertThat(state).as("state of ISSUE-7; last answer: %s", last).isNotNull();
    assertThat(state.path("version").asLong()).isEqualTo(3);
    assertThat(state.path("deleted").asBoolean()).isFalse();
    assertThat(state.path("committed").asBoolean()).isTrue();
    assertThat(state.path("payload").path("summary").asText()).isEqualTo("third");
    assertThat(state.path("models").path("jira_issues").get(0).path("summary").asText()).isEqualTo("third");
    assertThat(state.path("models").path("jira_issue_labels")).hasSize(1);
    assertThat(state.path("models").path("jira_issue_labels").get(0).path("label").asText()).isEqualTo("bug");

    assertThat(get(lake, path, "token-of-b").statusCode()).as("another tenant's token").isEqualTo(403);
    assertThat(get(lake, path, null).statusCode()).as("no token").isEqualTo(401);
    assertThat(get(lake, path, "nonsense").statusCode()).as("unknown token").isEqualTo(401);
    assertThat(get(lake, "/v1/tenants/state-a/entities/jira.issue/NOPE", "token-of-a").statusCode()).isEqualTo(404);

    HttpResponse<String> tenant = get(lake, "/v1/tenants/state-a", "token-of-a");
    assertThat(tenant.statusCode()).isEqualTo(200);
    JsonNode t = LocalLake.JSON.readTree(tenant.body());
    assertThat(t.path("models").path("jira_issues").path("rows").asLong()).isEqualTo(1);
    assertThat(t.path("in_flight").asInt()).isZero();
    assertThat(get(lake, "/v1/tenants/state-a", "token-of-b").statusCode()).isEqualTo(403);
  }

  private static ChangeEvent issue(long version, String summary, String... labels) {
    return ChangeEvent.newBuilder().setEventId("state-a-issue-7-v" + version).setTenantId("state-a")
        .setEntityType("jira.issue").setEntityId("ISSUE-7").setOp(version == 1 ? Op.OP_CREATED : Op.OP_UPDATED)
        .setVersion(version).setPayload(Any.pack(Issue.newBuilder().setKey("ISSUE-7").setSummary(summary)
            .addAllLabels(List.of(labels)).build())).build();
  }
}
