package io.tenantlake.sharding;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefinedWatermarkTest {
  static CycleResult cycle(Map<String, String> positions, Map<String, Long> versions) {
    return new CycleResult(Map.of(), 0, 0, 1, 1, positions, Map.of(), versions);
  }

  @Test
  void advancesOverEveryCycleAndOnlyForward() {
    RefinedWatermark w = RefinedWatermark.NONE
        .advance(cycle(Map.of("s/shard-0", "100", "s/shard-1", "7"), Map.of("raw/jira.issue", 3L)))
        .advance(cycle(Map.of("s/shard-0", "99", "bootstrap/bs-1", "1000000000005"), Map.of("raw/identity.user", 8L)))
        .advance(cycle(Map.of("s/shard-1", "12"), Map.of("raw/jira.issue", 5L)));
    assertThat(w.positions()).containsExactlyInAnyOrderEntriesOf(
        Map.of("s/shard-0", "100", "s/shard-1", "12", "bootstrap/bs-1", "1000000000005"));
    assertThat(w.rawVersion("raw/jira.issue")).isEqualTo(5);
    assertThat(w.rawVersion("raw/identity.user")).isEqualTo(8);
    assertThat(w.rawVersion("raw/confluence.page")).isEqualTo(-1);
  }

  @Test
  void roundTripsAndReadsTheFormatBeforeRawVersions() {
    RefinedWatermark w = new RefinedWatermark(Map.of("s/shard-0", "42"), Map.of("raw/jira.issue", 9L));
    assertThat(RefinedWatermark.parse(w.toJson())).isEqualTo(w);
    assertThat(RefinedWatermark.parse("{\"s/shard-0\":\"42\",\"s/shard-1\":\"5\"}"))
        .isEqualTo(new RefinedWatermark(Map.of("s/shard-0", "42", "s/shard-1", "5"), Map.of()));
    assertThat(RefinedWatermark.parse("not json")).isEqualTo(RefinedWatermark.NONE);
  }

  @Test
  void theLowestOfSeveralKeepsWhatAllHold() {
    RefinedWatermark a = new RefinedWatermark(Map.of("s/0", "10", "s/1", "20"), Map.of("raw/t", 4L, "raw/u", 1L));
    RefinedWatermark b = new RefinedWatermark(Map.of("s/0", "30"), Map.of("raw/t", 2L));
    RefinedWatermark low = RefinedWatermark.lowest(List.of(a, b));
    assertThat(low.positions()).isEqualTo(Map.of("s/0", "10"));
    assertThat(low.rawVersions()).isEqualTo(Map.of("raw/t", 2L));
    assertThat(RefinedWatermark.lowest(List.of())).isEqualTo(RefinedWatermark.NONE);
  }
}
