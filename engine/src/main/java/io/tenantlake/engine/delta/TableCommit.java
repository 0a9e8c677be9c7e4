package io.tenantlake.engine.delta;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Delta transaction to commit: files added and removed, the application transactions
 * ({@code txn} appId and version) that make it idempotent, and metadata that says what it was.
 *
 * <p>A rewrite names the partitions it read, so a concurrent commit into those partitions is a
 * conflict rather than a silent lost update.
 */
public final class TableCommit {
  /** The kind of change, recorded in the log's commitInfo.operation. */
  public enum Kind { APPEND, MERGE, DELETE, COMPACT }

  private final Kind kind;
  private final List<DataFile> adds;
  private final List<DataFile> removes;
  private final Map<String, Long> txns;
  private final Set<Map<String, String>> readPartitions;
  private final Map<String, String> parameters;
  private final Map<String, String> userMetadata;

  private TableCommit(Builder b) {
    this.kind = b.kind;
    this.adds = List.copyOf(b.adds);
    this.removes = List.copyOf(b.removes);
    this.txns = Map.copyOf(b.txns);
    this.readPartitions = Set.copyOf(b.readPartitions);
    this.parameters = Map.copyOf(b.parameters);
    this.userMetadata = Map.copyOf(b.userMetadata);
  }

  public static Builder append(List<DataFile> files) {
    return new Builder(Kind.APPEND).add(files);
  }

  public static Builder of(Kind kind) {
    return new Builder(kind);
  }

  public Kind kind() { return kind; }
  public List<DataFile> adds() { return adds; }
  public List<DataFile> removes() { return removes; }
  public Map<String, Long> txns() { return txns; }
  public Set<Map<String, String>> readPartitions() { return readPartitions; }
  public Map<String, String> parameters() { return parameters; }
  public Map<String, String> userMetadata() { return userMetadata; }

  public static final class Builder {
    private final Kind kind;
    private final List<DataFile> adds = new ArrayList<>();
    private final List<DataFile> removes = new ArrayList<>();
    private final Map<String, Long> txns = new LinkedHashMap<>();
    private final Set<Map<String, String>> readPartitions = new LinkedHashSet<>();
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final Map<String, String> userMetadata = new LinkedHashMap<>();

    private Builder(Kind kind) {
      this.kind = kind;
    }

    public Builder add(List<DataFile> files) { adds.addAll(files); return this; }
    public Builder remove(List<DataFile> files) { removes.addAll(files); return this; }

    /** Makes the commit idempotent: committed at most once for this appId and version. */
    public Builder txn(String appId, long version) {
      if (version < 0) throw new IllegalArgumentException("txn version must be >= 0: " + version);
      if (txns.put(appId, version) != null) throw new IllegalArgumentException("txn " + appId + " given twice");
      return this;
    }

    public Builder readPartition(Map<String, String> partitionValues) {
      readPartitions.add(Map.copyOf(partitionValues));
      return this;
    }

    public Builder parameter(String key, String value) { parameters.put(key, value); return this; }
    public Builder metadata(String key, String value) { userMetadata.put(key, value); return this; }

    public TableCommit build() {
      if (adds.isEmpty() && removes.isEmpty() && txns.isEmpty()) {
        throw new IllegalArgumentException("an empty commit: no files and no txn");
      }
      return new TableCommit(this);
    }
  }
}
