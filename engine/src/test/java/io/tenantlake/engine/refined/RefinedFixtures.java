package io.tenantlake.engine.refined;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.testkit.KernelTableReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Models, updates and a Kernel view of refined tables, shared by the refined tests. */
final class RefinedFixtures {
  private RefinedFixtures() {}

  static final Instant T0 = Instant.parse("2026-11-20T09:00:00.123456Z");

  /** One row per issue. */
  static ModelSchema issues(String name) {
    return new ModelSchema(name, List.of(
        Column.required("issue_id", ColumnType.STRING),
        Column.required("summary", ColumnType.STRING),
        Column.optional("priority", ColumnType.INT)), List.of("issue_id"));
  }

  /** Exploded: one row per label of an issue. */
  static ModelSchema labels(String name) {
    return new ModelSchema(name, List.of(
        Column.required("issue_id", ColumnType.STRING),
        Column.required("label", ColumnType.STRING)), List.of("issue_id", "label"));
  }

  static EntityRows issue(String tenant, String id, long version, String summary) {
    return new EntityRows(tenant, "jira.issue", id, version, false, "ev-" + tenant + "-" + id + "-" + version,
        T0.plusSeconds(version), List.<Object[]>of(new Object[] {id, summary, (int) (version % 5)}));
  }

  static EntityRows deleted(String tenant, String id, long version) {
    return new EntityRows(tenant, "jira.issue", id, version, true, "ev-" + tenant + "-" + id + "-" + version,
        T0.plusSeconds(version), List.of());
  }

  static EntityRows labelled(String tenant, String id, long version, String... labels) {
    List<Object[]> rows = new ArrayList<>();
    for (String l : labels) rows.add(new Object[] {id, l});
    return new EntityRows(tenant, "jira.issue", id, version, false, "ev-" + id + "-" + version, T0.plusSeconds(version), rows);
  }

  static List<Map<String, Object>> kernelRows(RefinedTableWriter writer, Map<String, String> readerProps) throws Exception {
    return new KernelTableReader(readerProps).read(writer.table().location()).rows();
  }

  /** Rows by "tenant/entity", each row as a sorted map of its non-null values (for readable failures). */
  static Map<String, List<String>> byEntity(List<Map<String, Object>> rows) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Map<String, Object> r : rows) {
      Map<String, Object> sorted = new TreeMap<>();
      r.forEach((k, v) -> { if (v != null && !k.equals("_updated_at") && !k.equals("_event_id")) sorted.put(k, show(v)); });
      out.computeIfAbsent(r.get("tenant_id") + "/" + r.get("_entity_id"), k -> new ArrayList<>()).add(sorted.toString());
    }
    out.values().forEach(l -> l.sort(null));
    return out;
  }

  private static Object show(Object v) {
    return v instanceof byte[] b ? Arrays.toString(b) : v;
  }
}
