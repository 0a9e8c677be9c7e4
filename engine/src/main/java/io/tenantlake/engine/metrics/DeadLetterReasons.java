package io.tenantlake.engine.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Dead letters counted by the kind of their reason. A reason is free text naming the place
 * ({@code invalid event: ... [event 2 of 80 in the record]}); as a metric label it must be one of a
 * small fixed set, so it is classified by the prefixes {@code RecordDecoder} and the snapshot
 * reader write, and anything else is {@code other}.
 */
public final class DeadLetterReasons {
  /** label, and the reason prefixes that map to it (first match wins). */
  private static final List<Map.Entry<String, List<String>>> KINDS = List.of(
      Map.entry("not_a_record", List.of("not a packed event record")),
      Map.entry("not_protobuf", List.of("not a ChangeEvent protobuf", "not a BootstrapRecord protobuf")),
      Map.entry("invalid_event", List.of("invalid event", "a bootstrap record carries no op")),
      Map.entry("bad_payload", List.of("payload is not valid gzip", "payload does not parse")),
      Map.entry("claim_check", List.of("claim check", "claim-check")));
  public static final String OTHER = "other";

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** The bounded label for a dead letter's reason. */
  public static String kind(String reason) {
    if (reason == null) return OTHER;
    for (var kind : KINDS) {
      for (String prefix : kind.getValue()) {
        if (reason.startsWith(prefix)) return kind.getKey();
      }
    }
    return OTHER;
  }

  /** Every label {@link #kind} can answer, in a fixed order. */
  public static List<String> kinds() {
    List<String> out = new java.util.ArrayList<>(KINDS.stream().map(Map.Entry::getKey).toList());
    out.add(OTHER);
    return out;
  }

  public void count(String reason) {
    counts.computeIfAbsent(kind(reason), k -> new LongAdder()).increment();
  }

  /** Per kind, the dead letters so far; every kind present (zero when none). */
  public Map<String, Long> byKind() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String k : kinds()) {
      LongAdder n = counts.get(k);
      out.put(k, n == null ? 0 : n.sum());
    }
    return out;
  }
}
