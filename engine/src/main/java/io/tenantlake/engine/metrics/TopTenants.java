package io.tenantlake.engine.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The tenants with the most events, in bounded memory however many tenants there are: the
 * Space-Saving algorithm (Metwally et al.) keeps {@code capacity} counters; a tenant not tracked
 * when all are taken replaces the smallest and starts from its count. Every tenant whose true count
 * exceeds {@code total / capacity} is tracked, and a tracked count overstates the truth by at most
 * the count it inherited ({@link Entry#error()}). The smallest count never falls, so a tenant that
 * drops out and comes back never shows a lower count than before: exported as a counter, it only
 * grows.
 */
public final class TopTenants {
  private final int capacity;
  private final Map<String, long[]> counts = new HashMap<>();

  public TopTenants(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
    this.capacity = capacity;
  }

  /** Adds {@code n} events of a tenant. */
  public synchronized void add(String tenant, long n) {
    if (n <= 0) return;
    long[] c = counts.get(tenant);
    if (c != null) {
      c[0] += n;
      return;
    }
    if (counts.size() < capacity) {
      counts.put(tenant, new long[] {n, 0});
      return;
    }
    // Evict the smallest: a linear scan, paid only by tenants outside the top `capacity`.
    String smallest = null;
    long min = Long.MAX_VALUE;
    for (var e : counts.entrySet()) {
      if (e.getValue()[0] < min) {
        min = e.getValue()[0];
        smallest = e.getKey();
      }
    }
    counts.remove(smallest);
    counts.put(tenant, new long[] {min + n, min});
  }

  /** The {@code n} largest, largest first (ties by tenant id, so the order is stable). */
  public synchronized List<Entry> top(int n) {
    Comparator<Entry> order = Comparator.comparingLong(Entry::count).thenComparing(Entry::tenant, Comparator.reverseOrder());
    PriorityQueue<Entry> heap = new PriorityQueue<>(order);
    for (var e : counts.entrySet()) {
      heap.add(new Entry(e.getKey(), e.getValue()[0], e.getValue()[1]));
      if (heap.size() > n) heap.poll();
    }
    List<Entry> out = new ArrayList<>(heap);
    out.sort(order.reversed());
    return out;
  }

  /**
   * @param count events counted for the tenant (an upper bound of the truth)
   * @param error how much of {@code count} it may have inherited from an evicted tenant
   */
  public record Entry(String tenant, long count, long error) {}
}
