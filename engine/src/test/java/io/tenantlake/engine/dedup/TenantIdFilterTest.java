package io.tenantlake.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TenantIdFilterTest {
  @Test
  void aMillionIdsCostAboutThreeAndAHalfMegabytesAtTheDefaultRateAndAreAllFound() {
    TenantIdFilter f = new TenantIdFilter(DedupSettings.defaults().falsePositiveRate());
    for (int i = 0; i < 1_000_000; i++) f.add("event-" + i, 20_000);
    assertThat(f.ids()).isEqualTo(1_000_000);
    // 28.8 bits an id at 1e-6, blocks of doubling capacity (the last one part full).
    assertThat(f.bytes()).isBetween(3_600_000L, 3_900_000L);
    for (int i = 0; i < 1_000_000; i += 7) assertThat(f.mightContain("event-" + i)).isTrue();
    int falsePositives = 0;
    for (int i = 0; i < 100_000; i++) if (f.mightContain("other-" + i)) falsePositives++;
    // About blocks x rate (1e-5: ten blocks grew to hold a first day of a million).
    assertThat(falsePositives).isLessThan(20);

    // The next day starts at the size of this one: one block, the target rate.
    TenantIdFilter steady = new TenantIdFilter(1e-4);
    for (int i = 0; i < 200_000; i++) steady.add("a-" + i, 1);
    long dayOne = steady.bytes();
    for (int i = 0; i < 200_000; i++) steady.add("b-" + i, 2);
    steady.expireBefore(2);
    assertThat(steady.bytes()).isLessThan(dayOne);
    int fp = 0;
    for (int i = 0; i < 100_000; i++) if (steady.mightContain("other-" + i)) fp++;
    assertThat(fp).isLessThan(40);
  }

  @Test
  void daysPastTheWindowAreDroppedWhole() {
    TenantIdFilter f = new TenantIdFilter(1e-4);
    f.add("old", 100);
    f.add("new", 107);
    long before = f.bytes();
    long freed = f.expireBefore(101);
    assertThat(freed).isPositive();
    assertThat(f.bytes()).isEqualTo(before - freed);
    assertThat(f.mightContain("old")).isFalse();
    assertThat(f.mightContain("new")).isTrue();
    // A quiet tenant-day costs one small block.
    assertThat(f.bytes()).isLessThan(3_000);
  }
}
