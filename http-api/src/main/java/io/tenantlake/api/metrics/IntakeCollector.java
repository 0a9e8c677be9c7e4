package io.tenantlake.api.metrics;

/** The intake's counters ({@code POST /v1/events}), on nodes with the intake role. */
final class IntakeCollector extends SourcesCollector {
  IntakeCollector(MetricSources sources) {
    super(sources);
  }

  @Override
  void collect(Families f) {
    sources.intake().ifPresent(metrics -> {
      var m = metrics.snapshot();
      f.counter("tenantlake_intake_requests", "POST /v1/events requests").point(m.requests()).add();
      f.counter("tenantlake_intake_requests_refused",
          "requests refused as a whole (401, 400, 413, 415, busy), no event looked at").point(m.refusedRequests()).add();
      f.counter("tenantlake_intake_events", "events answered, by result: accepted (acknowledged by Kinesis), "
              + "rejected (invalid, 4xx for that event), unavailable (Kinesis did not take it, retry)")
          .point(m.accepted(), "result", "accepted")
          .point(m.rejected(), "result", "rejected")
          .point(m.unavailable(), "result", "unavailable").add();
      f.counter("tenantlake_intake_claim_checks", "payloads stored as claim-check objects in S3").point(m.claimChecks()).add();
      f.counter("tenantlake_intake_kinesis_records", "Kinesis records acknowledged (several events each when packed)")
          .point(m.kinesisRecords()).add();
      f.counter("tenantlake_intake_events_put_again",
          "events put again on their own shard after a reshard misplaced the record that packed them").point(m.putAgain()).add();
    });
  }
}
