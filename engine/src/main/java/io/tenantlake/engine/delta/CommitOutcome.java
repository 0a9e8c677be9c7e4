package io.tenantlake.engine.delta;

/** What became of a {@link TableCommit}. */
public sealed interface CommitOutcome {
  /** Written as this table version. */
  record Committed(long version, int filesAdded, int filesRemoved, int attempts) implements CommitOutcome {}

  /**
   * Not written: the log already holds this appId at this or a later version, so the work was
   * committed before (a retry after a crash or a lost answer).
   */
  record AlreadyCommitted(String appId, long requestedVersion, long committedVersion) implements CommitOutcome {}
}
