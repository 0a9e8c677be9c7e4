package io.tenantlake.engine.raw;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PositionsTest {
  @Test
  void sequenceNumbersCompareAsNumbersWhateverTheirLength() {
    String kinesis = "49680574133108377851097488062665856777753455448895258626";
    assertThat(Positions.compare(kinesis, "49680574133108377851097488062665856777753455448895258627")).isNegative();
    assertThat(Positions.compare("999", "1000")).isNegative();
    assertThat(Positions.compare("1000", "999")).isPositive();
    assertThat(Positions.compare("0042", "42")).isZero();
    assertThat(Positions.compare("0100", "99")).isPositive();
    assertThat(Positions.compare(kinesis, kinesis)).isZero();
  }

  @Test
  void positionsRoundTripThroughCommitMetadata() {
    Positions p = new Positions();
    p.put(Positions.key("tenantlake-jira", "shardId-000000000001"), new Positions.Position("123", 7));
    Positions back = Positions.fromJson(p.toJson());
    assertThat(back.asMap()).isEqualTo(p.asMap());
    assertThat(back.covers("tenantlake-jira/shardId-000000000001", "122")).isTrue();
    assertThat(back.covers("tenantlake-jira/shardId-000000000001", "124")).isFalse();
    assertThat(back.covers("tenantlake-jira/shardId-000000000002", "1")).isFalse();
  }
}
