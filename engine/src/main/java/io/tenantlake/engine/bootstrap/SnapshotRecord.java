package io.tenantlake.engine.bootstrap;

import java.util.Objects;

/**
 * One framed record of a snapshot object: the {@code BootstrapRecord} protobuf bytes (NDJSON lines
 * converted), or a {@link Problem} when the record could not be read. Arrays are not copied: treat
 * them as read-only.
 *
 * @param objectIndex index of the object in the listing
 * @param key the object key
 * @param offset 0-based number of the record within its object
 * @param record the protobuf bytes, or null for a problem
 * @param problem why the record is unusable, or null
 */
public record SnapshotRecord(int objectIndex, String key, long offset, byte[] record, Problem problem) {

  /** The most bytes of a bad record kept for the report. */
  public static final int MAX_PROBLEM_BYTES = 64 * 1024;

  /**
   * A record (or the rest of an object) that could not be read.
   *
   * @param reason what was wrong, for people
   * @param original the record's bytes as found, at most {@link #MAX_PROBLEM_BYTES} (empty when
   *     nothing could be read, e.g. a missing object)
   */
  public record Problem(String reason, byte[] original) {
    public Problem {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(original, "original");
    }
  }

  public SnapshotRecord {
    Objects.requireNonNull(key, "key");
    if ((record == null) == (problem == null)) throw new IllegalArgumentException("a record has either bytes or a problem");
  }

  public static SnapshotRecord ok(SnapshotObject object, long offset, byte[] record) {
    return new SnapshotRecord(object.index(), object.key(), offset, record, null);
  }

  public static SnapshotRecord problem(SnapshotObject object, long offset, String reason, byte[] original) {
    byte[] kept = original.length <= MAX_PROBLEM_BYTES ? original : java.util.Arrays.copyOf(original, MAX_PROBLEM_BYTES);
    return new SnapshotRecord(object.index(), object.key(), offset, null, new Problem(reason, kept));
  }

  public boolean isProblem() {
    return problem != null;
  }

  /** This record's position. */
  public SnapshotPosition position() {
    return new SnapshotPosition(objectIndex, offset);
  }

  /** Where to resume once this record is safely stored. */
  public SnapshotPosition next() {
    return new SnapshotPosition(objectIndex, offset + 1);
  }



  @Override
  public String toString() {
    return "SnapshotRecord[" + objectIndex + ":" + offset + " " + key
        + (problem != null ? ", problem: " + problem.reason() : ", " + record.length + " bytes") + "]";
  }
}
