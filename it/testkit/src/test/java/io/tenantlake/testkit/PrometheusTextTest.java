package io.tenantlake.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String GOOD = """
      # HELP req_total Requests.
      # TYPE req_total counter
      req_total{code="200",path="/a \\"b\\" \\\\ c"} 5.0
      req_total{code="500"} 1
      # TYPE old counter
      old_total 2
      # TYPE lag gauge
      lag 12 1700000000000
      # TYPE d_seconds histogram
      d_seconds_bucket{le="0.1"} 1
      d_seconds_bucket{le="+Inf"} 3
      d_seconds_count 3
      d_seconds_sum 4.5
      """;

  @Test
  void parsesFamiliesSamplesAndEscapedLabels() {
    PrometheusText t = PrometheusText.parse(GOOD);
    assertThat(t.families()).containsOnlyKeys("req_total", "old", "lag", "d_seconds");
    assertThat(t.value("old_total")).isEqualTo(2);
    assertThat(t.family("req_total").orElseThrow().help()).isEqualTo("Requests.");
    assertThat(t.value("req_total", "code", "200")).isEqualTo(5);
    assertThat(t.samples("req_total", "code", "200").get(0).labels().get("path")).isEqualTo("/a \"b\" \\ c");
    assertThat(t.sum("req_total")).isEqualTo(6);
    assertThat(t.value("lag")).isEqualTo(12);
    assertThat(t.value("d_seconds_bucket", "le", "+Inf")).isEqualTo(3);
    assertThatThrownBy(() -> t.value("req_total")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesWhatIsNotTheFormat() {
    assertThatThrownBy(() -> PrometheusText.parse("x 1\n")).hasMessageContaining("before any # TYPE");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x counter\nx 1\n")).hasMessageContaining("not of family");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"1\" 1\n")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx one\n")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n")).hasMessageContaining("twice");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\n# TYPE x gauge\n")).hasMessageContaining("typed twice");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\ny 1\n")).hasMessageContaining("not of family");
  }
}
