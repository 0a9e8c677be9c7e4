package io.tenantlake.engine.dedup;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The event ids one tenant has in one raw table, one Bloom filter chain per UTC day of
 * {@code ingested_at}: a day past the window is dropped whole. A day's first block is as large as
 * the day before held, and the chain grows by blocks of doubling capacity, so a quiet tenant costs
 * a few KiB, a busy one is not over-filled, and a steady one needs one block a day. Each block keeps
 * the target false-positive rate, so a lookup's rate is about (blocks) × target: a false positive
 * only costs an exact check. Not thread-safe: one table's commits do not overlap.
 */
final class TenantIdFilter {
  static final int FIRST_BLOCK = 1024;

  private final double fpp;
  private final TreeMap<Long, List<Block>> days = new TreeMap<>();
  private long bytes;

  private static final class Block {
    final BloomFilter<CharSequence> filter;
    final long capacity;
    long count;

    Block(long capacity, double fpp) {
      this.filter = BloomFilter.create(Funnels.stringFunnel(StandardCharsets.UTF_8), capacity, fpp);
      this.capacity = capacity;
    }
  }

  TenantIdFilter(double fpp) {
    this.fpp = fpp;
  }

  boolean mightContain(String eventId) {
    for (List<Block> chain : days.values()) {
      for (Block b : chain) {
        if (b.filter.mightContain(eventId)) return true;
      }
    }
    return false;
  }

  void add(String eventId, long epochDay) {
    List<Block> chain = days.computeIfAbsent(epochDay, d -> new ArrayList<>());
    Block last = chain.isEmpty() ? null : chain.get(chain.size() - 1);
    if (last == null || last.count >= last.capacity) {
      // A day starts at the size of the day before: a steady tenant then needs one block a day.
      long capacity = last != null ? last.capacity * 2 : Math.max(FIRST_BLOCK, idsOfDayBefore(epochDay));
      last = new Block(capacity, fpp);
      chain.add(last);
      bytes += bitsFor(last.capacity, fpp) / 8 + 64;
    }
    last.filter.put(eventId);
    last.count++;
  }

  private long idsOfDayBefore(long epochDay) {
    Map.Entry<Long, List<Block>> before = days.lowerEntry(epochDay);
    return before == null ? 0 : before.getValue().stream().mapToLong(b -> b.count).sum();
  }

  /** Drops the days before {@code firstDay}; returns the bytes freed. */
  long expireBefore(long firstDay) {
    long freed = 0;
    Iterator<Map.Entry<Long, List<Block>>> it = days.headMap(firstDay).entrySet().iterator();
    while (it.hasNext()) {
      for (Block b : it.next().getValue()) freed += bitsFor(b.capacity, fpp) / 8 + 64;
      it.remove();
    }
    bytes -= freed;
    return freed;
  }

  /** The filters' size: the bit arrays as Guava sizes them, plus a little per block. */
  long bytes() {
    return bytes + 128;
  }

  long ids() {
    return days.values().stream().flatMap(List::stream).mapToLong(b -> b.count).sum();
  }

  /** The optimal bit count for n ids at rate p, as Guava computes it. */
  static long bitsFor(long n, double p) {
    return (long) Math.ceil(-n * Math.log(p) / (Math.log(2) * Math.log(2)));
  }
}
