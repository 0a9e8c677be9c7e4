package io.tenantlake.engine.intake;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the intake since the node started (events, not requests, unless named so). */
public final class IntakeMetrics {
  public final LongAdder requests = new LongAdder();
  /** Requests refused as a whole (401, 400, 413, 415, busy), no event looked at. */
  public final LongAdder refusedRequests = new LongAdder();
  public final LongAdder accepted = new LongAdder();
  public final LongAdder rejected = new LongAdder();
  public final LongAdder unavailable = new LongAdder();
  /** Payloads stored as claim-check objects. */
  public final LongAdder claimChecks = new LongAdder();
  /** Kinesis records acknowledged: with packing, far fewer than the events they carry. */
  public final LongAdder kinesisRecords = new LongAdder();
  /** Events put again on their own shard after a reshard misplaced the record that packed them. */
  public final LongAdder putAgain = new LongAdder();

  public void record(List<IntakeResult> results) {
    for (IntakeResult r : results) {
      switch (r.status()) {
        case ACCEPTED -> accepted.increment();
        case REJECTED -> rejected.increment();
        case UNAVAILABLE -> unavailable.increment();
      }
    }
  }

  /** A point-in-time copy, for a progress line or a test. */
  public Snapshot snapshot() {
    return new Snapshot(requests.sum(), refusedRequests.sum(), accepted.sum(), rejected.sum(), unavailable.sum(),
        claimChecks.sum(), kinesisRecords.sum(), putAgain.sum());
  }

  public record Snapshot(long requests, long refusedRequests, long accepted, long rejected, long unavailable,
      long claimChecks, long kinesisRecords, long putAgain) {
    public Snapshot minus(Snapshot o) {
      return new Snapshot(requests - o.requests, refusedRequests - o.refusedRequests, accepted - o.accepted,
          rejected - o.rejected, unavailable - o.unavailable, claimChecks - o.claimChecks,
          kinesisRecords - o.kinesisRecords, putAgain - o.putAgain);
    }
  }
}
