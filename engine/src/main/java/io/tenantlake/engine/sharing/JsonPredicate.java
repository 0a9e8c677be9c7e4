package io.tenantlake.engine.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The protocol's {@code jsonPredicateHints} as a file filter: each file is judged from its
 * partition values (exact) and its statistics (min, max, null count), and skipped only when no
 * row of it can match. The hints are best effort: a predicate this cannot read (an unknown op or
 * type, a malformed literal) filters nothing, and the client applies the predicate itself anyway.
 */
public final class JsonPredicate {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Deeper trees are ignored rather than walked: the hint is the client's, its size is not ours. */
  static final int MAX_DEPTH = 32;

  /** Three-valued: every row matches, none does, or the file's summary cannot tell. */
  enum Truth {
    ALL, NONE, MAYBE;

    Truth not() {
      return this == ALL ? NONE : this == NONE ? ALL : MAYBE;
    }
  }

  /** What is known of a file's column: an exact value (a partition column) or a range from stats. */
  record ColumnSummary(Comparable<Object> min, Comparable<Object> max, long nulls, long rows, boolean exact) {}

  private final JsonNode root;

  private JsonPredicate(JsonNode root) {
    this.root = root;
  }

  /** The predicate in the hint's text, or empty when it cannot be read (then nothing is filtered). */
  public static Optional<JsonPredicate> parse(String text) {
    if (text == null || text.isBlank()) return Optional.empty();
    try {
      JsonNode node = JSON.readTree(text);
      JsonPredicate p = new JsonPredicate(node);
      p.eval(Map.of(), null, 0, true);
      return Optional.of(p);
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** False only when no row of the file can satisfy the predicate. */
  public boolean mayMatch(Map<String, String> partitionValues, JsonNode stats) {
    try {
      return eval(partitionValues, stats, 0, false) != Truth.NONE;
    } catch (RuntimeException e) {
      return true;
    }
  }

  private Truth eval(Map<String, String> partition, JsonNode stats, int depth, boolean validateOnly) {
    return eval(root, partition, stats, depth, validateOnly);
  }

  private Truth eval(JsonNode n, Map<String, String> partition, JsonNode stats, int depth, boolean validate) {
    if (depth > MAX_DEPTH) throw new IllegalArgumentException("predicate too deep");
    String op = n.path("op").asText();
    List<JsonNode> children = new ArrayList<>();
    n.path("children").forEach(children::add);
    switch (op) {
      case "and", "or" -> {
        if (children.size() < 2) throw new IllegalArgumentException(op + " needs two children or more");
        boolean and = op.equals("and");
        Truth acc = and ? Truth.ALL : Truth.NONE;
        for (JsonNode c : children) {
          Truth t = eval(c, partition, stats, depth + 1, validate);
          if (and) acc = (acc == Truth.NONE || t == Truth.NONE) ? Truth.NONE : (acc == Truth.ALL && t == Truth.ALL) ? Truth.ALL : Truth.MAYBE;
          else acc = (acc == Truth.ALL || t == Truth.ALL) ? Truth.ALL : (acc == Truth.NONE && t == Truth.NONE) ? Truth.NONE : Truth.MAYBE;
        }
        return acc;
      }
      case "not" -> {
        if (children.size() != 1) throw new IllegalArgumentException("not needs one child");
        return eval(children.get(0), partition, stats, depth + 1, validate).not();
      }
      case "isNull" -> {
        if (children.size() != 1 || !"column".equals(children.get(0).path("op").asText())) {
          throw new IllegalArgumentException("isNull needs one column");
        }
        if (validate) return Truth.MAYBE;
        ColumnSummary s = summary(children.get(0), partition, stats);
        if (s == null) return Truth.MAYBE;
        if (s.exact()) return s.min() == null ? Truth.ALL : Truth.NONE;
        if (s.nulls() == 0) return Truth.NONE;
        if (s.rows() >= 0 && s.nulls() == s.rows()) return Truth.ALL;
        return Truth.MAYBE;
      }
      case "equal", "lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual" -> {
        if (children.size() != 2) throw new IllegalArgumentException(op + " needs two children");
        JsonNode a = children.get(0), b = children.get(1);
        boolean flip = "literal".equals(a.path("op").asText());
        JsonNode col = flip ? b : a, lit = flip ? a : b;
        if (!"column".equals(col.path("op").asText()) || !"literal".equals(lit.path("op").asText())) {
          throw new IllegalArgumentException(op + " compares a column with a literal");
        }
        Comparable<Object> v = typed(lit.path("value").asText(), lit.path("valueType").asText());
        if (validate) return Truth.MAYBE;
        ColumnSummary s = summary(col, partition, stats);
        if (s == null || s.min() == null || s.max() == null) return s != null && s.exact() ? Truth.NONE : Truth.MAYBE;
        return compare(flip ? flipped(op) : op, s, v);
      }
      default -> throw new IllegalArgumentException("unknown op " + op);
    }
  }

  private static String flipped(String op) {
    return switch (op) {
      case "lessThan" -> "greaterThan";
      case "lessThanOrEqual" -> "greaterThanOrEqual";
      case "greaterThan" -> "lessThan";
      case "greaterThanOrEqual" -> "lessThanOrEqual";
      default -> op;
    };
  }

  /** column OP literal over a file whose column lies in [min, max]. */
  private static Truth compare(String op, ColumnSummary s, Comparable<Object> v) {
    int lo = s.min().compareTo(v), hi = s.max().compareTo(v);
    // ALL only where the value is exact: a stats range may hide nulls, which match nothing.
    Truth sure = s.exact() ? Truth.ALL : Truth.MAYBE;
    return switch (op) {
      case "equal" -> (lo > 0 || hi < 0) ? Truth.NONE : (lo == 0 && hi == 0) ? sure : Truth.MAYBE;
      case "lessThan" -> lo >= 0 ? Truth.NONE : hi < 0 ? sure : Truth.MAYBE;
      case "lessThanOrEqual" -> lo > 0 ? Truth.NONE : hi <= 0 ? sure : Truth.MAYBE;
      case "greaterThan" -> hi <= 0 ? Truth.NONE : lo > 0 ? sure : Truth.MAYBE;
      default -> hi < 0 ? Truth.NONE : lo >= 0 ? sure : Truth.MAYBE;
    };
  }

  private static ColumnSummary summary(JsonNode col, Map<String, String> partition, JsonNode stats) {
    String name = col.path("name").asText();
    String type = col.path("valueType").asText();
    if (partition.containsKey(name)) {
      String raw = partition.get(name);
      Comparable<Object> v = raw == null ? null : typed(raw, type);
      return new ColumnSummary(v, v, raw == null ? 1 : 0, 1, true);
    }
    if (stats == null) return null;
    JsonNode min = stats.path("minValues").get(name), max = stats.path("maxValues").get(name);
    JsonNode nulls = stats.path("nullCount").get(name);
    long rows = stats.path("numRecords").asLong(-1);
    Comparable<Object> mn = min == null || min.isNull() || min.isContainerNode() ? null : typed(min.asText(), type);
    Comparable<Object> mx = max == null || max.isNull() || max.isContainerNode() ? null : typed(max.asText(), type);
    if (nulls == null && (mn == null || mx == null)) return null;
    return new ColumnSummary(mn, mx, nulls == null || !nulls.isNumber() ? -1 : nulls.asLong(), rows, false);
  }

  @SuppressWarnings("unchecked")
  private static Comparable<Object> typed(String value, String type) {
    Comparable<?> c = switch (type) {
      case "bool" -> Boolean.parseBoolean(value);
      case "int", "long" -> Long.parseLong(value);
      case "float", "double" -> Double.parseDouble(value);
      case "string" -> value;
      case "date" -> java.time.LocalDate.parse(value);
      case "timestamp" -> java.time.OffsetDateTime.parse(value).toInstant();
      default -> throw new IllegalArgumentException("unknown value type " + type);
    };
    return (Comparable<Object>) c;
  }
}
