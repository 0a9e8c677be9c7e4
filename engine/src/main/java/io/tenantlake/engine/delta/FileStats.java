package io.tenantlake.engine.delta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-file statistics as the Delta protocol stores them in {@code add.stats}: a JSON string with
 * numRecords and per-column minValues, maxValues and nullCount. Readers skip files with them, and
 * the merge flow uses key ranges to read only the files that can hold a batch's keys.
 *
 * <p>Min/max are kept for strings of at most {@link #MAX_STRING_STAT} characters and for numbers
 * and timestamps; a file whose strings are longer has no min/max for that column rather than a
 * truncated one that a reader could misuse.
 */
public record FileStats(long numRecords, Map<String, Object> minValues, Map<String, Object> maxValues,
    Map<String, Long> nullCount) {

  public static final int MAX_STRING_STAT = 64;
  private static final ObjectMapper JSON = new ObjectMapper();
  // Delta's own writers render timestamp stats with millisecond precision, UTC offset.
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

  public FileStats {
    minValues = Map.copyOf(minValues);
    maxValues = Map.copyOf(maxValues);
    nullCount = Map.copyOf(nullCount);
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("numRecords", numRecords);
    root.set("minValues", valuesNode(minValues));
    root.set("maxValues", valuesNode(maxValues));
    ObjectNode nulls = root.putObject("nullCount");
    new TreeMap<>(nullCount).forEach(nulls::put);
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode valuesNode(Map<String, Object> values) {
    ObjectNode node = JSON.createObjectNode();
    new TreeMap<>(values).forEach((k, v) -> {
      if (v instanceof String s) node.put(k, s);
      else if (v instanceof Long l) node.put(k, l);
      else if (v instanceof Integer i) node.put(k, i);
      else if (v instanceof Double d) node.put(k, d);
      else if (v instanceof Instant t) node.put(k, TS.format(t));
      else throw new IllegalArgumentException("no statistics for " + v.getClass());
    });
    return node;
  }

  /** The JSON string literal of a text: how the log must carry stats through standalone. */
  static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses stats written by any Delta writer; values come back typed by the schema. */
  public static FileStats fromJson(String json, TableSchema schema) {
    if (json == null || json.isBlank()) return null;
    try {
      JsonNode root = JSON.readTree(json);
      Map<String, Object> min = new TreeMap<>();
      Map<String, Object> max = new TreeMap<>();
      Map<String, Long> nulls = new TreeMap<>();
      for (Column c : schema.dataColumns()) {
        read(root.path("minValues").get(c.name()), c.type(), min, c.name());
        read(root.path("maxValues").get(c.name()), c.type(), max, c.name());
        JsonNode n = root.path("nullCount").get(c.name());
        if (n != null && n.isNumber()) nulls.put(c.name(), n.asLong());
      }
      return new FileStats(root.path("numRecords").asLong(-1), min, max, nulls);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("unreadable file statistics: " + e.getOriginalMessage(), e);
    }
  }

  private static void read(JsonNode node, ColumnType type, Map<String, Object> into, String name) {
    if (node == null || node.isNull()) return;
    Object v = switch (type) {
      case STRING -> node.asText();
      case LONG -> node.asLong();
      case INT -> node.asInt();
      case DOUBLE -> node.asDouble();
      case TIMESTAMP -> Instant.from(TS.parse(node.asText()));
      default -> null;
    };
    if (v != null) into.put(name, v);
  }
}
