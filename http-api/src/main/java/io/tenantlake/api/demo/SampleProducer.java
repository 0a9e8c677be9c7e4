package io.tenantlake.api.demo;

import io.tenantlake.proto.EventJson;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.EventBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's producer: posts Jira- and Confluence-like events for a few tenants to a node's intake
 * at a steady rate, alternating protobuf and JSON batches, and prints its counts every few seconds.
 *
 * <p>{@code SampleProducer URL TOKEN [EVENTS_PER_SECOND [SECONDS [TENANTS]]]}; SECONDS 0 runs
 * until stopped.
 */
public final class SampleProducer {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private SampleProducer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: SampleProducer URL TOKEN [EVENTS_PER_SECOND [SECONDS [TENANTS]]]");
      System.exit(2);
    }
    URI events = URI.create(args[0]).resolve("/v1/events");
    String token = args[1];
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    int tenants = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    SampleEvents sample = new SampleEvents(SampleEvents.tenants(tenants),
        List.of("jira.issue", "jira.project", "identity.user", "confluence.page"), 200, System.nanoTime());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    EventJson json = EventJson.defaults();
    int batchSize = Math.max(1, Math.min(500, rate / 4));
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) * batchSize / Math.max(1, rate);
    long end = seconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
    long accepted = 0;
    long rejected = 0;
    long failed = 0;
    long batches = 0;
    long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    long next = System.nanoTime();
    System.out.printf("sample producer: %d events/s for %d tenants to %s (%s)%n", rate, tenants, events,
        seconds > 0 ? seconds + " s" : "until stopped");
    while (System.nanoTime() < end) {
      List<ChangeEvent> batch = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) batch.add(sample.next());
      EventBatch body = EventBatch.newBuilder().addAllEvents(batch).build();
      boolean protobuf = batches++ % 2 == 0;
      HttpRequest.Builder req = HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token);
      if (protobuf) {
        req.header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
      } else {
        req.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json.print(body)));
      }
      try {
        HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() == 200) {
          var answer = JSON.readTree(resp.body());
          accepted += answer.path("accepted").asLong();
          rejected += answer.path("rejected").asLong();
        } else {
          failed += batch.size();
          System.out.printf("sample producer: intake answered %d: %s%n", resp.statusCode(), resp.body());
        }
      } catch (java.io.IOException e) {
        failed += batch.size();
        System.out.printf("sample producer: %s%n", e.getMessage());
      }
      if (System.nanoTime() >= nextReport) {
        System.out.printf("sample producer: %d accepted, %d rejected, %d failed%n", accepted, rejected, failed);
        nextReport += TimeUnit.SECONDS.toNanos(5);
      }
      next += intervalNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) TimeUnit.NANOSECONDS.sleep(sleep);
    }
    System.out.printf("sample producer: done, %d accepted, %d rejected, %d failed%n", accepted, rejected, failed);
  }
}
