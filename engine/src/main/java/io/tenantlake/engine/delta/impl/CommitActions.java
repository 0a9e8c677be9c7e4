package io.tenantlake.engine.delta.impl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.standalone.OptimisticTransaction;
import io.delta.standalone.Operation;
import io.delta.standalone.actions.Action;
import io.delta.standalone.actions.AddFile;
import io.delta.standalone.actions.SetTransaction;
import io.delta.standalone.data.CloseableIterator;
import io.delta.standalone.expressions.And;
import io.delta.standalone.expressions.EqualTo;
import io.delta.standalone.expressions.Expression;
import io.delta.standalone.expressions.Literal;
import io.delta.standalone.expressions.Or;
import io.delta.standalone.types.StringType;
import io.tenantlake.engine.delta.CommitOutcome;
import io.tenantlake.engine.delta.TableCommit;
import io.tenantlake.engine.delta.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a {@link TableCommit} into Delta actions and an operation; checks txn idempotency. */
public final class CommitActions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CommitActions() {}

  public static List<Action> actions(TableCommit commit) {
    long now = System.currentTimeMillis();
    List<Action> actions = new ArrayList<>(commit.adds().size() + commit.removes().size() + commit.txns().size());
    // A compaction rewrites rows unchanged: dataChange=false tells readers of changes (streaming,
    // change feeds) and the conflict checker of concurrent commits that no data changed.
    boolean dataChange = commit.kind() != TableCommit.Kind.COMPACT;
    commit.removes().forEach(f -> actions.add(f.toRemoveFile(now, dataChange)));
    commit.adds().forEach(f -> actions.add(f.toAddFile(dataChange)));
    commit.txns().forEach((appId, version) -> actions.add(new SetTransaction(appId, version, Optional.of(now))));
    return actions;
  }

  public static Operation operation(TableCommit commit) {
    return operation(commit.kind(), null, commit.parameters(), commit.userMetadata());
  }

  /**
   * Standalone writes each operation parameter verbatim as a JSON value, while every reader
   * (standalone included) expects a JSON string there, as Spark writes it: so each value is passed
   * JSON-encoded, and a structured value (a list) is encoded twice.
   */
  public static Operation operation(TableCommit.Kind kind, String mode, Map<String, String> parameters,
      Map<String, String> userMetadata) {
    Map<String, String> params = new LinkedHashMap<>();
    if (mode != null) params.put("mode", json(mode));
    parameters.forEach((k, v) -> params.put(k, json(v)));
    Operation.Name name = switch (kind) {
      case APPEND -> Operation.Name.WRITE;
      case MERGE -> Operation.Name.MERGE;
      case DELETE -> Operation.Name.DELETE;
      case COMPACT -> Operation.Name.MANUAL_UPDATE;
    };
    Optional<String> meta = userMetadata.isEmpty() ? Optional.empty() : Optional.of(json(userMetadata));
    return new Operation(name, params, Map.of(), meta);
  }

  public static Operation createOperation(TableSchema schema) {
    return new Operation(Operation.Name.CREATE_TABLE,
        Map.of("partitionBy", json(json(schema.partitionColumns()))), Map.of(), Optional.empty());
  }

  public static Optional<CommitOutcome> alreadyCommitted(String table, OptimisticTransaction txn,
      Map<String, Long> txns) {
    CommitOutcome.AlreadyCommitted done = null;
    List<String> pending = new ArrayList<>();
    for (Map.Entry<String, Long> e : txns.entrySet()) {
      long committed = txn.txnVersion(e.getKey());
      if (committed >= e.getValue()) done = new CommitOutcome.AlreadyCommitted(e.getKey(), e.getValue(), committed);
      else pending.add(e.getKey());
    }
    if (done != null && !pending.isEmpty()) {
      // The txns of one commit land together; a mix means two writers share an appId.
      throw new IllegalStateException("table " + table + ": txn " + done.appId() + " is already at "
          + done.committedVersion() + " but " + pending + " are not: two writers use the same appId?");
    }
    return Optional.ofNullable(done);
  }

  /** Marks the commit's read partitions (and those of its removed files) read; returns their live log paths. */
  public static List<String> markRead(OptimisticTransaction txn, TableSchema schema, TableCommit commit) {
    return paths(txn.markFilesAsRead(partitionPredicate(schema, commit)).getFiles());
  }

  /**
   * The live log paths of the commit's partitions in a snapshot, without marking anything read: a
   * compaction's check that what it removes is still live (it conflicts with no append).
   */
  public static List<String> livePaths(io.delta.standalone.Snapshot snapshot, TableSchema schema, TableCommit commit) {
    return paths(snapshot.scan(partitionPredicate(schema, commit)).getFiles());
  }

  private static Expression partitionPredicate(TableSchema schema, TableCommit commit) {
    List<Map<String, String>> partitions = new ArrayList<>(commit.readPartitions());
    commit.removes().forEach(f -> { if (!partitions.contains(f.partitionValues())) partitions.add(f.partitionValues()); });
    Expression predicate = null;
    for (Map<String, String> p : partitions) {
      Expression conj = null;
      for (String col : schema.partitionColumns()) {
        Expression eq = new EqualTo(new io.delta.standalone.expressions.Column(col, new StringType()),
            Literal.of(p.get(col)));
        conj = conj == null ? eq : new And(conj, eq);
      }
      if (conj == null) continue;
      predicate = predicate == null ? conj : new Or(predicate, conj);
    }
    // An unpartitioned table: the whole table is what was read.
    return predicate == null ? Literal.True : predicate;
  }

  private static List<String> paths(CloseableIterator<AddFile> files) {
    List<String> live = new ArrayList<>();
    try (CloseableIterator<AddFile> it = files) {
      while (it.hasNext()) live.add(it.next().getPath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return live;
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
