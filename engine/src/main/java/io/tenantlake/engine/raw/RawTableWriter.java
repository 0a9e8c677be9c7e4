package io.tenantlake.engine.raw;

import io.tenantlake.engine.dedup.DedupSettings;
import io.tenantlake.engine.dedup.RawDeduplicator;
import io.tenantlake.engine.dedup.Screening;
import io.tenantlake.engine.delta.CommitOutcome;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.Row;
import io.tenantlake.engine.delta.TableCommit;
import io.tenantlake.engine.delta.TableSchema;
import io.tenantlake.engine.event.Decoded;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.RawEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends decoded records to {@code raw/<entity_type>} and dead letters to {@code deadletter},
 * exactly once. Each table's commit carries a txn per source partition and the table's positions;
 * records that a table already holds (a replay after a crash) are dropped before writing. After the
 * tables, the lane's checkpoint table records how far the whole batch got: that is where reading
 * resumes.
 *
 * <p>One writer per set of tables in the cluster; calls must not overlap (the stream calls it with
 * {@code mapAsync(1)}). Blocking: run it on a dispatcher for blocking IO.
 */
public final class RawTableWriter {
  private static final Logger log = LoggerFactory.getLogger(RawTableWriter.class);

  /** What one commit cycle did, and the events it made durable (for the refined pipeline). */
  /**
   * @param positions per source partition, the last sequence number of this batch
   * @param checkpoint the lane's checkpoint after this cycle: every partition's committed point and totals
   */
  /**
   * @param positions per stream/shard (or lane partition), the last position this cycle committed
   * @param tableVersions per raw table this cycle committed to, the table version of that commit:
   *     everything a table held up to it came from this cycle or an earlier one
   */
  /**
   * @param duplicatesByTable per raw table, events dropped because the table already held their
   *     event id with the same content
   * @param conflictsByTable per raw table, events stored although their id was there with other content
   */
  public record CycleResult(Map<String, List<RawEvent>> committedByTable, int deadLetters, int skippedAsCommitted,
      int commits, long millis, Map<String, String> positions, Map<String, Positions.Position> checkpoint,
      Map<String, Long> tableVersions, Map<String, Integer> duplicatesByTable, Map<String, Integer> conflictsByTable) {
    public CycleResult(Map<String, List<RawEvent>> committedByTable, int deadLetters, int skippedAsCommitted,
        int commits, long millis, Map<String, String> positions, Map<String, Positions.Position> checkpoint) {
      this(committedByTable, deadLetters, skippedAsCommitted, commits, millis, positions, checkpoint, Map.of());
    }

    public CycleResult(Map<String, List<RawEvent>> committedByTable, int deadLetters, int skippedAsCommitted,
        int commits, long millis, Map<String, String> positions, Map<String, Positions.Position> checkpoint,
        Map<String, Long> tableVersions) {
      this(committedByTable, deadLetters, skippedAsCommitted, commits, millis, positions, checkpoint, tableVersions,
          Map.of(), Map.of());
    }

    public int duplicates() {
      return duplicatesByTable.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int conflicts() {
      return conflictsByTable.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int events() {
      return committedByTable.values().stream().mapToInt(List::size).sum();
    }

    /**
     * This cycle followed by a later one, as if they had been one commit: what waits for a slow
     * consumer (the refined merges) is handed over in one piece, so that consumer pays its fixed
     * cost (a rewrite per touched partition) once for all of it.
     */
    public CycleResult andThen(CycleResult later) {
      Map<String, List<RawEvent>> events = new LinkedHashMap<>();
      committedByTable.forEach((t, list) -> events.put(t, new ArrayList<>(list)));
      later.committedByTable.forEach((t, list) -> events.computeIfAbsent(t, k -> new ArrayList<>()).addAll(list));
      Map<String, String> upTo = new LinkedHashMap<>(positions);
      later.positions.forEach((k, seq) -> upTo.merge(k, seq, (a, b) -> Positions.compare(a, b) >= 0 ? a : b));
      Map<String, Long> versions = new LinkedHashMap<>(tableVersions);
      later.tableVersions.forEach((t, v) -> versions.merge(t, v, Math::max));
      return new CycleResult(events, deadLetters + later.deadLetters, skippedAsCommitted + later.skippedAsCommitted,
          commits + later.commits, millis + later.millis, upTo, later.checkpoint.isEmpty() ? checkpoint : later.checkpoint,
          versions, sum(duplicatesByTable, later.duplicatesByTable), sum(conflictsByTable, later.conflictsByTable));
    }

    private static Map<String, Integer> sum(Map<String, Integer> a, Map<String, Integer> b) {
      if (b.isEmpty()) return a;
      Map<String, Integer> out = new LinkedHashMap<>(a);
      b.forEach((k, v) -> out.merge(k, v, Integer::sum));
      return out;
    }
  }

  private final DeltaStorage storage;
  private final CommitPolicy policy;
  private final String checkpointName;
  private final Executor tableCommits;
  private final Executor fileWriters;
  private final Map<String, DeltaTable> tables = new ConcurrentHashMap<>();
  private final Map<String, Positions> positions = new ConcurrentHashMap<>();
  private final RawDeduplicator dedup;

  /**
   * @param checkpointName the table that records the lane's resume points, e.g. {@code _checkpoints/live}
   * @param tableCommits where the tables of a batch are written and committed in parallel (blocking IO)
   * @param fileWriters where a table's partition files are written in parallel (not the same pool:
   *     a table task waits for its files)
   */
  public RawTableWriter(DeltaStorage storage, CommitPolicy policy, String checkpointName, Executor tableCommits,
      Executor fileWriters) {
    this(storage, policy, checkpointName, tableCommits, fileWriters, new RawDeduplicator(DedupSettings.defaults(),
        java.time.Clock.systemUTC()));
  }

  /** @param dedup drops events whose event id a raw table already holds (a new one per writer: it trusts only raw) */
  public RawTableWriter(DeltaStorage storage, CommitPolicy policy, String checkpointName, Executor tableCommits,
      Executor fileWriters, RawDeduplicator dedup) {
    this.dedup = dedup;
    this.storage = storage;
    this.policy = policy;
    this.checkpointName = checkpointName;
    this.tableCommits = tableCommits;
    this.fileWriters = fileWriters;
  }

  /**
   * Opens (creating if needed) the raw tables of these entity types, the deadletter table and the
   * checkpoint table, and loads their positions: the first batch then pays no set-up cost.
   */
  public void prepare(java.util.Collection<String> entityTypes) {
    for (String type : entityTypes) positionsOf(RawTables.rawTableName(type), RawTables.RAW);
    positionsOf(RawTables.DEADLETTER, RawTables.DEAD);
    positionsOf(checkpointName, CheckpointTable.SCHEMA);
  }

  /** Where to resume each source partition: the last sequence number the whole lane committed. */
  public Map<String, String> resumePositions() {
    Map<String, String> out = new HashMap<>();
    positionsOf(checkpointName, CheckpointTable.SCHEMA).asMap().forEach((k, p) -> out.put(k, p.sequenceNumber()));
    return out;
  }

  public CycleResult commit(List<Decoded> batch) {
    long started = System.nanoTime();
    Map<String, List<Decoded>> byTable = new LinkedHashMap<>();
    Map<String, String> lastSeen = new LinkedHashMap<>();
    Map<String, long[]> counts = new HashMap<>();
    Positions checkpointBefore = positionsOf(checkpointName, CheckpointTable.SCHEMA);
    for (Decoded d : batch) {
      String table = d instanceof Decoded.Event e ? RawTables.rawTableName(e.event().event().getEntityType()) : RawTables.DEADLETTER;
      byTable.computeIfAbsent(table, t -> new ArrayList<>()).add(d);
      lastSeen.merge(key(d.origin()), d.origin().sequenceNumber(), (a, b) -> Positions.compare(a, b) >= 0 ? a : b);
      if (!checkpointBefore.covers(key(d.origin()), d.origin().sequenceNumber())) {
        counts.computeIfAbsent(key(d.origin()), k -> new long[2])[d instanceof Decoded.Event ? 0 : 1]++;
      }
    }
    // Tables are independent (each has its own log and positions): write and commit them at once.
    List<CompletableFuture<TableOutcome>> futures = new ArrayList<>();
    byTable.forEach((name, records) ->
        futures.add(CompletableFuture.supplyAsync(() -> commitTable(name, records), tableCommits)));
    Map<String, List<RawEvent>> committed = new LinkedHashMap<>();
    Map<String, Long> versions = new LinkedHashMap<>();
    Map<String, Integer> duplicates = new LinkedHashMap<>();
    Map<String, Integer> conflicts = new LinkedHashMap<>();
    int dead = 0;
    int skipped = 0;
    int commits = 0;
    for (CompletableFuture<TableOutcome> f : futures) {
      TableOutcome o;
      try {
        o = f.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
      skipped += o.skipped();
      if (o.committed()) commits++;
      if (o.committed() && o.dead() > 0) dead += o.dead();
      if (o.committed() && !o.events().isEmpty()) committed.put(o.table(), o.events());
      if (o.committed()) versions.put(o.table(), o.version());
      if (o.duplicates() > 0) duplicates.put(o.table(), o.duplicates());
      if (o.conflicts() > 0) conflicts.put(o.table(), o.conflicts());
    }
    // Only after every table holds its part may the lane's resume point move past it.
    if (commitCheckpoint(lastSeen, counts)) commits++;
    long millis = (System.nanoTime() - started) / 1_000_000;
    CycleResult result = new CycleResult(committed, dead, skipped, commits, millis, Map.copyOf(lastSeen),
        positionsOf(checkpointName, CheckpointTable.SCHEMA).asMap(), versions, duplicates, conflicts);
    log.debug("raw cycle: {} events, {} dead letters, {} already committed, {} duplicates dropped, {} conflicts, "
        + "{} commits in {} ms", result.events(), dead, skipped, result.duplicates(), result.conflicts(), commits, millis);
    return result;
  }

  private record TableOutcome(String table, boolean committed, List<RawEvent> events, int dead, int skipped, long version,
      int duplicates, int conflicts) {
    TableOutcome(String table, boolean committed, List<RawEvent> events, int dead, int skipped, long version) {
      this(table, committed, events, dead, skipped, version, 0, 0);
    }
  }

  private TableOutcome commitTable(String name, List<Decoded> records) {
    boolean isDead = name.equals(RawTables.DEADLETTER);
    TableSchema schema = isDead ? RawTables.DEAD : RawTables.RAW;
    Positions pos = positionsOf(name, schema);
    List<Row> rows = new ArrayList<>();
    List<RawEvent> events = new ArrayList<>();
    Map<String, String> maxSeq = new LinkedHashMap<>();
    int skipped = 0;
    for (Decoded d : records) {
      String k = key(d.origin());
      if (pos.covers(k, d.origin().sequenceNumber())) {
        skipped++;
        continue;
      }
      maxSeq.merge(k, d.origin().sequenceNumber(), (a, b) -> Positions.compare(a, b) >= 0 ? a : b);
      if (d instanceof Decoded.Event e) events.add(e.event());
      else rows.add(RawTables.deadRow(((Decoded.Dead) d).letter()));
    }
    if (maxSeq.isEmpty()) return new TableOutcome(name, false, List.of(), 0, skipped, -1);
    DeltaTable table = table(name, schema);
    // A duplicate's record is consumed all the same: its position moves on with the others.
    Screening screened = isDead ? Screening.keepAll(events) : dedup.screen(table, events, fileWriters);
    events = screened.events();
    if (screened.exactChecks() > 0 || screened.millis() > 500) {
      log.info("dedup {}: {} events screened in {} ms, {} duplicates, {} conflicts; {} ids checked exactly, {} files read, "
          + "{} tenants' filters rebuilt", name, screened.events().size() + screened.duplicates(), screened.millis(),
          screened.duplicates(), screened.conflicts(), screened.exactChecks(), screened.filesRead(), screened.tenantsLoaded());
    }
    for (RawEvent e : events) rows.add(RawTables.rawRow(e));
    long t0 = System.nanoTime();
    List<DataFile> files = rows.isEmpty() ? List.of() : table.write(rows, policy.targetFileBytes(), fileWriters);
    log.debug("table {}: {} rows written into {} files in {} ms", name, rows.size(), files.size(),
        (System.nanoTime() - t0) / 1_000_000);
    TableCommit.Builder commit = TableCommit.append(files).parameter("mode", "Append");
    Positions next = advance(pos, maxSeq, commit);
    commit.metadata(Positions.METADATA_KEY, next.toJson()).metadata("records", Integer.toString(rows.size()));
    CommitOutcome outcome = table.commit(commit.build());
    if (outcome instanceof CommitOutcome.AlreadyCommitted already) {
      // Our positions were behind the log: another writer, or a lost answer. Reload and say so.
      log.warn("table {}: batch already committed ({}); reloading positions", name, already);
      positions.put(name, Positions.load(table));
      dedup.invalidate(name);
      return new TableOutcome(name, false, List.of(), 0, skipped, -1);
    }
    positions.put(name, next);
    long version = ((CommitOutcome.Committed) outcome).version();
    if (!isDead) dedup.committed(table, screened, version, files);
    return new TableOutcome(name, true, isDead ? List.of() : events, isDead ? rows.size() : 0, skipped, version,
        screened.duplicates(), screened.conflicts());
  }

  /** The lane's committed points (checkpoint table): per partition, sequence number and totals. */
  public Map<String, Positions.Position> checkpoint() {
    return positionsOf(checkpointName, CheckpointTable.SCHEMA).asMap();
  }

  private boolean commitCheckpoint(Map<String, String> lastSeen, Map<String, long[]> counts) {
    if (lastSeen.isEmpty()) return false;
    Positions pos = positionsOf(checkpointName, CheckpointTable.SCHEMA);
    Map<String, String> forward = new LinkedHashMap<>();
    lastSeen.forEach((k, seq) -> {
      if (!pos.covers(k, seq)) forward.put(k, seq);
    });
    if (forward.isEmpty()) return false;
    TableCommit.Builder commit = TableCommit.of(TableCommit.Kind.APPEND).parameter("mode", "Checkpoint");
    Positions next = advance(pos, forward, commit);
    forward.keySet().forEach(k -> {
      Positions.Position p = next.get(k).orElseThrow();
      Positions.Position before = pos.get(k).orElse(new Positions.Position("", 0));
      long[] c = counts.getOrDefault(k, new long[2]);
      next.put(k, new Positions.Position(p.sequenceNumber(), p.txnVersion(), before.records() + c[0],
          before.deadLetters() + c[1]));
    });
    commit.metadata(Positions.METADATA_KEY, next.toJson());
    table(checkpointName, CheckpointTable.SCHEMA).commit(commit.build());
    positions.put(checkpointName, next);
    return true;
  }

  /** The table's positions moved to {@code maxSeq}, with one txn per moved partition added to the commit. */
  private static Positions advance(Positions current, Map<String, String> maxSeq, TableCommit.Builder commit) {
    Positions next = Positions.fromJson(current.toJson());
    maxSeq.forEach((k, seq) -> {
      long txn = current.get(k).map(p -> p.txnVersion() + 1).orElse(0L);
      commit.txn(k, txn);
      next.put(k, new Positions.Position(seq, txn));
    });
    return next;
  }

  private Positions positionsOf(String name, TableSchema schema) {
    return positions.computeIfAbsent(name, n -> Positions.load(table(n, schema)));
  }

  private DeltaTable table(String name, TableSchema schema) {
    return tables.computeIfAbsent(name, n -> DeltaTable.at(storage, n).createIfMissing(schema, java.util.Map.of()));
  }

  private static String key(Origin o) {
    return Positions.key(o.stream(), o.shardId());
  }
}
