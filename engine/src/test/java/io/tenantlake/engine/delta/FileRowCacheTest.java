package io.tenantlake.engine.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileRowCacheTest {
  private static List<Object[]> rows(int n, int stringLength) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) rows.add(new Object[] {"x".repeat(stringLength), (long) i, null, new byte[10]});
    return rows;
  }

  @Test
  void returnsWhatWasPutAndCountsHitsAndMisses() {
    FileRowCache cache = new FileRowCache(1 << 20);
    List<Object[]> rows = rows(3, 5);
    cache.put("s3a://b/t/a.parquet", rows);
    assertThat(cache.get("s3a://b/t/a.parquet")).hasValueSatisfying(r -> {
      assertThat(r).hasSize(3);
      assertThat(r.get(2)[1]).isEqualTo(2L);
    });
    assertThat(cache.get("s3a://b/t/other.parquet")).isEmpty();
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(cache.misses()).isEqualTo(1);
    assertThat(cache.sizeBytes()).isEqualTo(FileRowCache.estimate(rows)).isPositive();
  }

  @Test
  void evictsTheLeastRecentlyUsedFirstAndStaysWithinItsBudget() {
    long one = FileRowCache.estimate(rows(10, 100));
    FileRowCache cache = new FileRowCache(one * 4 + 1);
    for (String f : List.of("a", "b", "c", "d")) cache.put(f, rows(10, 100));
    cache.get("a"); // a is now the most recently used
    cache.put("e", rows(10, 100));
    assertThat(cache.get("b")).as("least recently used").isEmpty();
    assertThat(cache.get("a")).isPresent();
    assertThat(cache.get("e")).isPresent();
    assertThat(cache.files()).isEqualTo(4);
    assertThat(cache.sizeBytes()).isLessThanOrEqualTo(one * 4 + 1);
  }

  @Test
  void skipsFilesTooLargeForItAndForgetsInvalidatedOnes() {
    FileRowCache cache = new FileRowCache(10_000);
    cache.put("big", rows(100, 1000));
    assertThat(cache.get("big")).isEmpty();
    cache.put("small", rows(1, 1));
    cache.invalidate("small");
    assertThat(cache.get("small")).isEmpty();
    assertThat(cache.sizeBytes()).isZero();
    FileRowCache off = FileRowCache.disabled();
    off.put("f", rows(1, 1));
    assertThat(off.get("f")).isEmpty();
    assertThatThrownBy(() -> new FileRowCache(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
  }
}
