package io.tenantlake.engine.bootstrap;

import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;

/** How bootstrap jobs list and read snapshots (S3 in production, see {@link S3SnapshotReads}). */
public interface SnapshotReads {
  /**
   * The snapshot's objects in key order (other files under the prefix left out). Blocking.
   *
   * @throws IllegalArgumentException for a malformed URI
   */
  List<BootstrapJob.SnapshotEntry> list(String uri);

  /**
   * The records of the listed objects from object {@code fromObject}, record {@code fromOffset}
   * on, in order, counted in {@code progress}.
   */
  Source<SnapshotRecord, NotUsed> read(String uri, List<BootstrapJob.SnapshotEntry> objects, int fromObject,
      long fromOffset, SnapshotProgress progress);
}
