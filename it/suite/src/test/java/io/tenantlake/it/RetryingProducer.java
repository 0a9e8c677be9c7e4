package io.tenantlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tenantlake.proto.v1.ChangeEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A producer as the intake's contract asks for: events answered {@code unavailable} (Kinesis did not
 * acknowledge them in time, on a 503 or beside accepted ones in a 200) are sent again after a pause.
 * Such an event may have reached Kinesis anyway, so a resend is a producer duplicate: what the raw
 * deduplication is for. Any other status fails the test.
 */
public final class RetryingProducer {
  private final LocalLake lake;
  private final Duration patience;

  public RetryingProducer(LocalLake lake, Duration patience) {
    this.lake = lake;
    this.patience = patience;
  }

  /** Sends until every event is accepted; the number of acknowledged sends (at least events.size()). */
  public long send(List<ChangeEvent> events) throws Exception {
    return send(events, true);
  }

  /** As {@link #send(List)}, as protobuf or as JSON. */
  public long send(List<ChangeEvent> events, boolean protobuf) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    List<ChangeEvent> left = events;
    long acknowledged = 0;
    Duration pause = Duration.ofMillis(500);
    while (true) {
      HttpResponse<String> resp = lake.send(left, protobuf);
      assertThat(resp.statusCode()).as("intake answer %s", resp.body()).isIn(200, 503);
      JsonNode results = LocalLake.JSON.readTree(resp.body()).path("results");
      assertThat(results.size()).as("one result per event: %s", resp.body()).isEqualTo(left.size());
      List<ChangeEvent> again = new ArrayList<>();
      for (JsonNode r : results) {
        String status = r.path("status").asText();
        if (status.equals("unavailable")) again.add(left.get(r.path("index").asInt()));
        else {
          assertThat(status).as("event %s: %s", r.path("event_id").asText(), r).isEqualTo("accepted");
          acknowledged++;
        }
      }
      if (again.isEmpty()) return acknowledged;
      assertThat(System.nanoTime()).as("%d event(s) still unavailable after %s: %s", again.size(), patience, resp.body())
          .isLessThan(deadline);
      Thread.sleep(pause.toMillis());
      pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(8)) > 0 ? Duration.ofSeconds(8) : pause.multipliedBy(2);
      left = again;
    }
  }
}
