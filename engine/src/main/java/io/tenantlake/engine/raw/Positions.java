package io.tenantlake.engine.raw;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantlake.engine.delta.DeltaTable;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How far a table has committed each source partition (a Kinesis shard, a snapshot object): the
 * last sequence number and the txn version of that commit. Every commit of a table carries the
 * whole map in its commit metadata, so the latest commit says where to resume and which replayed
 * records are already in.
 */
public final class Positions {
  /**
   * A source partition's committed point. The checkpoint table also keeps, per partition, how many
   * records and dead letters it has committed in all: a bootstrap job's exact progress after a crash.
   */
  public record Position(String sequenceNumber, long txnVersion, long records, long deadLetters) {
    public Position(String sequenceNumber, long txnVersion) {
      this(sequenceNumber, txnVersion, 0, 0);
    }
  }

  static final String METADATA_KEY = "positions";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Position> byPartition = new TreeMap<>();

  /** The key of a source partition, also the txn appId of its commits. */
  public static String key(String stream, String shardId) {
    return stream + "/" + shardId;
  }

  public Optional<Position> get(String key) {
    return Optional.ofNullable(byPartition.get(key));
  }

  public Map<String, Position> asMap() {
    return Map.copyOf(byPartition);
  }

  /** Whether a record at this sequence number is already committed for the partition. */
  public boolean covers(String key, String sequenceNumber) {
    Position p = byPartition.get(key);
    return p != null && compare(sequenceNumber, p.sequenceNumber()) <= 0;
  }

  public void put(String key, Position position) {
    byPartition.put(key, position);
  }

  /**
   * Kinesis sequence numbers are decimal strings of up to 128 bits; offsets of the bootstrap lane
   * are decimals too. Compared as numbers, not as text.
   */
  public static int compare(String a, String b) {
    if (isCanonicalNumber(a) && isCanonicalNumber(b)) {
      // Without leading zeros, the longer decimal is the larger: no BigInteger on the hot path.
      return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }
    boolean numeric = isDigits(a) && isDigits(b);
    return numeric ? new BigInteger(a).compareTo(new BigInteger(b)) : a.compareTo(b);
  }

  private static boolean isCanonicalNumber(String s) {
    return isDigits(s) && (s.length() == 1 || s.charAt(0) != '0');
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    byPartition.forEach((k, p) -> {
      ObjectNode node = root.putObject(k).put("seq", p.sequenceNumber()).put("txn", p.txnVersion());
      if (p.records() > 0 || p.deadLetters() > 0) node.put("records", p.records()).put("dead", p.deadLetters());
    });
    return root.toString();
  }

  static Positions fromJson(String json) {
    Positions p = new Positions();
    try {
      JsonNode root = JSON.readTree(json);
      root.fields().forEachRemaining(e ->
          p.put(e.getKey(), new Position(e.getValue().path("seq").asText(), e.getValue().path("txn").asLong(),
              e.getValue().path("records").asLong(), e.getValue().path("dead").asLong())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable positions in commit metadata: " + e.getOriginalMessage(), e);
    }
    return p;
  }

  /**
   * The positions of the table's latest commit that recorded any, walking back over commits that
   * did not (compaction, erase): empty for a new table.
   */
  public static Positions load(DeltaTable table) {
    for (long v = table.version(); v >= 0; v--) {
      Optional<Positions> at = at(table, v);
      if (at.isPresent()) return at.get();
    }
    return new Positions();
  }

  /** The positions a commit of the table recorded, if it recorded any. */
  public static Optional<Positions> at(DeltaTable table, long version) {
    Optional<String> meta = table.commitMetadata(version);
    if (meta.isEmpty()) return Optional.empty();
    try {
      JsonNode node = JSON.readTree(meta.get()).get(METADATA_KEY);
      return node != null && node.isTextual() ? Optional.of(fromJson(node.asText())) : Optional.empty();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("table " + table.name() + " version " + version + ": unreadable commit metadata", e);
    }
  }

}
