package io.tenantlake.sharding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantlake.engine.raw.Positions;
import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far into the raw tables a refined table holds everything, committed with each of its merges:
 * per raw partition (stream/shard, or a lane's job) the last position applied, and per raw table
 * the last table version whose commits are all applied. Recovery re-applies raw past it: the
 * positions say which rows, the versions which commits it need read at all (without them, every
 * live raw file).
 *
 * <p>It only moves forward, over every raw cycle the pipeline has passed on, in order: a cycle that
 * held nothing for a model still counts as applied for it (its events were none of the model's,
 * or stale).
 */
record RefinedWatermark(Map<String, String> positions, Map<String, Long> rawVersions) {
  private static final Logger log = LoggerFactory.getLogger(RefinedWatermark.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  static final RefinedWatermark NONE = new RefinedWatermark(Map.of(), Map.of());

  RefinedWatermark {
    positions = Map.copyOf(positions);
    rawVersions = Map.copyOf(rawVersions);
  }

  /** This watermark moved past a raw cycle (or several handed over as one). */
  RefinedWatermark advance(CycleResult cycle) {
    Map<String, String> p = new HashMap<>(positions);
    cycle.positions().forEach((k, seq) -> p.merge(k, seq, (a, b) -> Positions.compare(a, b) >= 0 ? a : b));
    Map<String, Long> v = new HashMap<>(rawVersions);
    cycle.tableVersions().forEach((t, version) -> v.merge(t, version, Math::max));
    return new RefinedWatermark(p, v);
  }

  /**
   * What several tables all hold (the models fed by one raw table): per partition the lowest
   * position, a partition missing from one missing from the result (replayed whole); per raw table
   * the lowest version, likewise.
   */
  static RefinedWatermark lowest(List<RefinedWatermark> marks) {
    if (marks.isEmpty()) return NONE;
    Map<String, String> p = new HashMap<>(marks.get(0).positions);
    Map<String, Long> v = new HashMap<>(marks.get(0).rawVersions);
    for (RefinedWatermark m : marks.subList(1, marks.size())) {
      p.keySet().retainAll(m.positions.keySet());
      p.replaceAll((k, seq) -> Positions.compare(m.positions.get(k), seq) < 0 ? m.positions.get(k) : seq);
      v.keySet().retainAll(m.rawVersions.keySet());
      v.replaceAll((t, version) -> Math.min(version, m.rawVersions.get(t)));
    }
    return new RefinedWatermark(p, v);
  }

  /** The raw table version whose commits are all applied, or -1 when unknown. */
  long rawVersion(String rawTable) {
    return rawVersions.getOrDefault(rawTable, -1L);
  }

  String toJson() {
    ObjectNode node = JSON.createObjectNode();
    ObjectNode p = node.putObject("positions");
    new TreeMap<>(positions).forEach(p::put);
    ObjectNode v = node.putObject("raw_versions");
    new TreeMap<>(rawVersions).forEach(v::put);
    return node.toString();
  }

  /**
   * Reads a watermark; the format before raw versions (a flat object of positions) reads as
   * positions only. Unreadable: none (recovery then re-applies every raw row, which is harmless).
   */
  static RefinedWatermark parse(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      Map<String, String> p = new HashMap<>();
      Map<String, Long> v = new HashMap<>();
      JsonNode positions = node.path("positions");
      if (positions.isObject()) {
        positions.fields().forEachRemaining(e -> p.put(e.getKey(), e.getValue().asText()));
        node.path("raw_versions").fields().forEachRemaining(e -> v.put(e.getKey(), e.getValue().asLong()));
      } else {
        node.fields().forEachRemaining(e -> p.put(e.getKey(), e.getValue().asText()));
      }
      return new RefinedWatermark(p, v);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      log.warn("unreadable refined watermark, recovering from the start: {}", e.getOriginalMessage());
      return NONE;
    }
  }
}
