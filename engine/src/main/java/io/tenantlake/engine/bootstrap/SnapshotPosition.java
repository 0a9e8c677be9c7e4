package io.tenantlake.engine.bootstrap;

/**
 * Where reading a snapshot (re)starts: objects before {@code objectIndex} are skipped, and so are
 * the first {@code recordOffset} records of that object. Meaningful for the same listing of an
 * unchanged snapshot (indexes are positions in the key-sorted listing).
 */
public record SnapshotPosition(int objectIndex, long recordOffset) {
  public static final SnapshotPosition START = new SnapshotPosition(0, 0);

  public SnapshotPosition {
    if (objectIndex < 0) throw new IllegalArgumentException("object index must be >= 0, got " + objectIndex);
    if (recordOffset < 0) throw new IllegalArgumentException("record offset must be >= 0, got " + recordOffset);
  }

  @Override
  public String toString() {
    return objectIndex + ":" + recordOffset;
  }
}
