package io.tenantlake.engine.refined;

import io.tenantlake.engine.delta.CommitOutcome;
import java.util.List;

/**
 * What one {@link RefinedTableWriter#merge} did.
 *
 * @param table the refined table, e.g. {@code refined/jira_issue}
 * @param txnVersion the merge's txn version (appId {@code refined/<model>})
 * @param outcome committed, or already committed before (a retry): then nothing was changed and
 *     the counts are zero
 * @param entitiesApplied entities whose rows were replaced (or tombstoned)
 * @param entitiesDroppedStale updates not applied: not newer than the stored version, or superseded
 *     by a newer update of the same entity in the same call
 * @param rowsWritten rows of the applied updates (tombstones included)
 * @param rowsCopied rows copied unchanged from rewritten files (other entities' rows)
 * @param filesRead data files read (candidates by statistics, and small files folded in)
 * @param filesSkipped files of the touched partitions that statistics ruled out
 * @param filesRemoved files replaced by this commit
 * @param filesAdded files added by this commit
 * @param tableVersion the table version this commit made (the current one when already committed)
 * @param millis wall time of the whole merge
 * @param tooLate updates not applied because their entity has no row and their event is older than
 *     the table's purged tombstones (see {@link RefinedTables#PURGED_BEFORE}): "tenant/entity@version"
 */
public record MergeReport(String table, long txnVersion, CommitOutcome outcome, int entitiesApplied,
    int entitiesDroppedStale, long rowsWritten, long rowsCopied, int filesRead, int filesSkipped,
    int filesRemoved, int filesAdded, long tableVersion, long millis, List<TooLate> tooLate) {

  /** An update dropped as too late, to be dead-lettered by the caller. */
  public record TooLate(String tenantId, String entityId, long version, java.time.Instant updatedAt) {}

  public MergeReport {
    tooLate = List.copyOf(tooLate);
  }

  public boolean alreadyCommitted() {
    return outcome instanceof CommitOutcome.AlreadyCommitted;
  }

  /** One line for the log. */
  public String line() {
    return String.format("%s merge txn %d: %s, %d entities applied, %d stale dropped, %d rows written, "
            + "%d copied, files %d read / %d skipped by stats / %d removed / %d added, version %d, %d ms"
            + (tooLate.isEmpty() ? "" : ", " + tooLate.size() + " too late"),
        table, txnVersion, alreadyCommitted() ? "ALREADY COMMITTED" : "committed", entitiesApplied,
        entitiesDroppedStale, rowsWritten, rowsCopied, filesRead, filesSkipped, filesRemoved, filesAdded,
        tableVersion, millis);
  }
}
