package io.tenantlake.engine.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** File pruning by jsonPredicateHints: skip only files that cannot match; unreadable hints skip nothing. */
class JsonPredicateTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<String, String> ACME = Map.of("tenant_id", "acme");

  static String cmp(String op, String col, String type, String value) {
    return "{\"op\":\"" + op + "\",\"children\":[{\"op\":\"column\",\"name\":\"" + col + "\",\"valueType\":\"" + type
        + "\"},{\"op\":\"literal\",\"value\":\"" + value + "\",\"valueType\":\"" + type + "\"}]}";
  }

  static JsonNode stats(String min, String max, long nulls) throws Exception {
    return JSON.readTree("{\"numRecords\":10,\"minValues\":{\"_entity_id\":\"" + min + "\",\"_version\":1},"
        + "\"maxValues\":{\"_entity_id\":\"" + max + "\",\"_version\":7},\"nullCount\":{\"_entity_id\":" + nulls + "}}");
  }

  boolean may(String predicate, JsonNode stats) {
    return JsonPredicate.parse(predicate).orElseThrow().mayMatch(ACME, stats);
  }

  @Test
  void partitionValuesAreExact() throws Exception {
    assertThat(may(cmp("equal", "tenant_id", "string", "acme"), null)).isTrue();
    assertThat(may(cmp("equal", "tenant_id", "string", "other"), null)).isFalse();
    assertThat(may("{\"op\":\"not\",\"children\":[" + cmp("equal", "tenant_id", "string", "acme") + "]}", null)).isFalse();
  }

  @Test
  void statsRangesPruneFilesThatCannotHoldAValue() throws Exception {
    JsonNode s = stats("ISSUE-10", "ISSUE-19", 0);
    assertThat(may(cmp("equal", "_entity_id", "string", "ISSUE-15"), s)).isTrue();
    assertThat(may(cmp("equal", "_entity_id", "string", "ISSUE-20"), s)).isFalse();
    assertThat(may(cmp("lessThan", "_entity_id", "string", "ISSUE-10"), s)).isFalse();
    assertThat(may(cmp("greaterThanOrEqual", "_version", "long", "7"), s)).isTrue();
    assertThat(may(cmp("greaterThan", "_version", "long", "7"), s)).isFalse();
    assertThat(may("{\"op\":\"isNull\",\"children\":[{\"op\":\"column\",\"name\":\"_entity_id\",\"valueType\":\"string\"}]}", s)).isFalse();
    // not() of a range that may match is still "may match": nulls and gaps are unknown.
    assertThat(may("{\"op\":\"not\",\"children\":[" + cmp("equal", "_entity_id", "string", "ISSUE-15") + "]}", s)).isTrue();
    String and = "{\"op\":\"and\",\"children\":[" + cmp("equal", "tenant_id", "string", "acme") + ","
        + cmp("equal", "_entity_id", "string", "ISSUE-99") + "]}";
    assertThat(may(and, s)).isFalse();
    String or = "{\"op\":\"or\",\"children\":[" + cmp("equal", "tenant_id", "string", "x") + ","
        + cmp("equal", "_entity_id", "string", "ISSUE-11") + "]}";
    assertThat(may(or, s)).isTrue();
    // A column without stats cannot prune.
    assertThat(may(cmp("equal", "summary", "string", "x"), s)).isTrue();
  }

  @Test
  void unreadableHintsFilterNothing() {
    assertThat(JsonPredicate.parse("{not json")).isEmpty();
    assertThat(JsonPredicate.parse("{\"op\":\"like\",\"children\":[]}")).isEmpty();
    assertThat(JsonPredicate.parse(cmp("equal", "_version", "long", "seven"))).isEmpty();
    assertThat(JsonPredicate.parse("{\"op\":\"and\",\"children\":[" + cmp("equal", "a", "int", "1") + "]}")).isEmpty();
    String deep = cmp("equal", "a", "int", "1");
    for (int i = 0; i < 40; i++) deep = "{\"op\":\"not\",\"children\":[" + deep + "]}";
    assertThat(JsonPredicate.parse(deep)).isEmpty();
  }
}
