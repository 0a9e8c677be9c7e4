package io.tenantlake.engine.maintenance;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a task over the tables: what started it, when, how long it took, per table what it
 * did (and the totals), and the tables that failed (named, with the error).
 *
 * @param trigger {@code schedule} or {@code request}
 * @param state {@code queued}, {@code running}, {@code done} or {@code failed} (a table failed)
 * @param tablesDone tables finished so far (progress while running)
 */
public record RunReport(long id, String task, String trigger, boolean dryRun, String state, Instant queuedAt,
    Instant startedAt, long millis, int tablesTotal, int tablesDone, List<TableResult> tables,
    Map<String, String> errors) {

  public RunReport {
    tables = List.copyOf(tables);
    errors = Map.copyOf(errors);
  }

  /** The counts of every table summed by name. */
  public Map<String, Long> totals() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (TableResult t : tables) t.counts().forEach((k, v) -> out.merge(k, v, Long::sum));
    return out;
  }

  RunReport progress(String nextState, long elapsedMillis, List<TableResult> sofar, Map<String, String> failed) {
    return new RunReport(id, task, trigger, dryRun, nextState, queuedAt, startedAt, elapsedMillis, tablesTotal,
        sofar.size() + failed.size(), sofar, failed);
  }
}
