package io.tenantlake.engine.bootstrap;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;

/**
 * A bootstrap job as stored beside the tables ({@code _jobs/bootstrap/<id>.json}): what to load and
 * the snapshot's object list as listed when the job was submitted. The list is fixed at submission:
 * resume positions count objects by their index in it, so an object added to the prefix later can
 * not shift them.
 */
public record BootstrapJob(String id, String entityType, String uri, String tenant, State state,
    Instant createdAt, Instant finishedAt, String error, List<SnapshotEntry> objects) {

  public enum State {
    RUNNING, DONE, CANCELLED, FAILED;

    public boolean finished() {
      return this != RUNNING;
    }
  }

  /** One object of the snapshot, in key order. */
  public record SnapshotEntry(String key, long size) {}

  /** The source partition of the job's records in raw tables and checkpoints: {@code bootstrap/<id>}. */
  public static final String STREAM = "bootstrap";

  /** Object indexes and offsets are folded into one decimal, ordered like (object, offset). */
  static final long OBJECT_STRIDE = 1_000_000_000_000L;

  public BootstrapJob {
    objects = List.copyOf(objects);
  }

  @JsonIgnore
  public String partitionKey() {
    return STREAM + "/" + id;
  }

  @JsonIgnore
  public long totalBytes() {
    return objects.stream().mapToLong(SnapshotEntry::size).sum();
  }

  public BootstrapJob finish(State next, String why) {
    return new BootstrapJob(id, entityType, uri, tenant, next, createdAt, Instant.now(), why, objects);
  }

  /** The sequence number of a record: object index and offset in one comparable decimal. */
  public static String sequenceNumber(int objectIndex, long offset) {
    if (offset < 0 || offset >= OBJECT_STRIDE) throw new IllegalArgumentException("record offset out of range: " + offset);
    return Long.toString(objectIndex * OBJECT_STRIDE + offset);
  }

  public static int objectIndex(String sequenceNumber) {
    return (int) (Long.parseLong(sequenceNumber) / OBJECT_STRIDE);
  }

  public static long offset(String sequenceNumber) {
    return Long.parseLong(sequenceNumber) % OBJECT_STRIDE;
  }
}
