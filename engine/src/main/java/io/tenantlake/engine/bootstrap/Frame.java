package io.tenantlake.engine.bootstrap;

import org.apache.pekko.util.ByteString;

/**
 * What a framing stage cuts out of an object's bytes: one record's bytes, or a problem with the
 * bytes it concerns. A {@code last} problem ends the object (the framing cannot find the next
 * record after it).
 */
record Frame(ByteString data, String problem, boolean last) {

  static Frame ok(ByteString data) {
    return new Frame(data, null, false);
  }

  /** A bad record; the next one can still be found. */
  static Frame skipped(String problem, ByteString original) {
    return new Frame(cap(original), problem, false);
  }

  /** A problem after which the rest of the object cannot be framed. */
  static Frame end(String problem, ByteString original) {
    return new Frame(cap(original), problem, true);
  }

  boolean isProblem() {
    return problem != null;
  }

  private static ByteString cap(ByteString b) {
    return b.size() <= SnapshotRecord.MAX_PROBLEM_BYTES ? b : b.take(SnapshotRecord.MAX_PROBLEM_BYTES);
  }
}
