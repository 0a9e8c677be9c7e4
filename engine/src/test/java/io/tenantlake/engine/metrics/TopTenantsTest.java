package io.tenantlake.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopTenantsTest {
  @Test
  void exactWhileTheTenantsFit() {
    TopTenants top = new TopTenants(10);
    top.add("b", 5);
    top.add("a", 5);
    top.add("c", 7);
    top.add("a", 1);
    top.add("d", 0); // nothing added: not tracked
    assertThat(top.top(2)).containsExactly(new TopTenants.Entry("c", 7, 0), new TopTenants.Entry("a", 6, 0));
    assertThat(top.top(10)).extracting(TopTenants.Entry::tenant).containsExactly("c", "a", "b");
  }

  @Test
  void heavyTenantsSurviveManySmallOnesInBoundedMemory() {
    TopTenants top = new TopTenants(50);
    Random random = new Random(42);
    Map<String, Long> truth = new HashMap<>();
    for (int i = 0; i < 200_000; i++) {
      // three heavy tenants take 30% of the events, 10,000 others share the rest
      String tenant = random.nextInt(10) < 3 ? "heavy-" + random.nextInt(3) : "t" + random.nextInt(10_000);
      top.add(tenant, 1);
      truth.merge(tenant, 1L, Long::sum);
    }
    List<TopTenants.Entry> three = top.top(3);
    assertThat(three).extracting(TopTenants.Entry::tenant).containsExactlyInAnyOrder("heavy-0", "heavy-1", "heavy-2");
    for (TopTenants.Entry e : three) {
      // an upper bound of the truth, off by at most what it inherited
      assertThat(e.count()).isGreaterThanOrEqualTo(truth.get(e.tenant()));
      assertThat(e.count() - e.error()).isLessThanOrEqualTo(truth.get(e.tenant()));
    }
    assertThat(top.top(1000)).hasSize(50);
  }

  @Test
  void aTenantThatComesBackNeverShowsLess() {
    TopTenants top = new TopTenants(2);
    top.add("a", 3);
    top.add("b", 5);
    top.add("c", 1); // evicts a (3): c starts at 4
    top.add("a", 1); // evicts c (4): a starts at 5, more than the 3 it showed
    assertThat(top.top(2)).extracting(TopTenants.Entry::tenant, TopTenants.Entry::count)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", 5L), org.assertj.core.groups.Tuple.tuple("b", 5L));
  }
}
