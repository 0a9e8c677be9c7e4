package io.tenantlake.bench.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The independent fold of a workload: every event of every file, in order, and per (tenant, key)
 * the one with the highest version wins (an equal or older one never does). Plain Java over the
 * JSON lines, sharing no code with either merge. The end state is one canonical line per key, the
 * same form {@link TableCheck} makes of a table's rows.
 */
final class Fold {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fold() {}

  static Map<String, String> of(List<Path> files) throws IOException {
    Map<String, Long> versions = new HashMap<>();
    Map<String, String> state = new TreeMap<>();
    for (Path f : files) {
      try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          JsonNode e = JSON.readTree(line);
          String key = e.get("tenant_id").asText() + "/" + e.get("issue_id").asText();
          long v = e.get("_version").asLong();
          Long held = versions.get(key);
          if (held != null && held >= v) continue;
          versions.put(key, v);
          state.put(key, canonical(e));
        }
      }
    }
    return state;
  }

  private static String canonical(JsonNode e) {
    boolean deleted = e.get("_deleted").asBoolean();
    if (deleted) return line(e.get("_version").asLong(), true, null, null, null, null, null, null);
    return line(e.get("_version").asLong(), false, e.get("project").asText(), e.get("summary").asText(),
        e.get("status").asText(), e.get("assignee").isNull() ? null : e.get("assignee").asText(),
        e.get("priority").asInt(), e.get("story_points").asDouble());
  }

  /** One key's state as text: version, deleted, and (live rows only) the model's values. */
  static String line(long version, boolean deleted, String project, String summary, String status,
      String assignee, Integer priority, Double storyPoints) {
    if (deleted) return "v" + version + " deleted";
    return "v" + version + " " + project + "|" + summary + "|" + status + "|" + assignee + "|" + priority + "|" + storyPoints;
  }
}
