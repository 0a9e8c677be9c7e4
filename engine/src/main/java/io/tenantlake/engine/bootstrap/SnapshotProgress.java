package io.tenantlake.engine.bootstrap;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one snapshot read, updated by the stream and readable from any thread (progress
 * logs, metrics, the admin API). Bytes count what was fetched, compressed, including re-reads after
 * a retry; objects count those finished by this run (not those skipped by a resume position).
 */
public final class SnapshotProgress {
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder objectsCompleted = new LongAdder();
  private final LongAdder recordsEmitted = new LongAdder();
  private final LongAdder problems = new LongAdder();
  private final LongAdder retries = new LongAdder();

  public long bytesRead() {
    return bytesRead.sum();
  }

  public long objectsCompleted() {
    return objectsCompleted.sum();
  }

  /** Good records emitted (problems not included). */
  public long recordsEmitted() {
    return recordsEmitted.sum();
  }

  public long problems() {
    return problems.sum();
  }

  /** Times an object was re-opened after a transient failure. */
  public long retries() {
    return retries.sum();
  }

  void addBytes(long n) {
    bytesRead.add(n);
  }

  void objectCompleted() {
    objectsCompleted.increment();
  }

  void retried() {
    retries.increment();
  }

  SnapshotRecord emitted(SnapshotRecord r) {
    (r.isProblem() ? problems : recordsEmitted).increment();
    return r;
  }

  @Override
  public String toString() {
    return "SnapshotProgress[bytes=" + bytesRead() + ", objects=" + objectsCompleted() + ", records=" + recordsEmitted()
        + ", problems=" + problems() + ", retries=" + retries() + "]";
  }
}
