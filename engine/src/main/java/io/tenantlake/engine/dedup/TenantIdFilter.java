package io.tenantlake.engine.dedup;

import com.google.common.hash.HashCode;
import com.google.common.hash.Hashing;
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
  private final TreeMap<Long, List<BloomBlock>> days = new TreeMap<>();
  private long bytes;

  TenantIdFilter(double fpp) {
    this.fpp = fpp;
  }

  /** An id's 128-bit hash, computed once and used for every probe of every block. */
  record IdHash(long h1, long h2) {
    static IdHash of(String eventId) {
      HashCode h = Hashing.murmur3_128().hashString(eventId, StandardCharsets.UTF_8);
      byte[] b = h.asBytes();
      return new IdHash(longAt(b, 0), longAt(b, 8) | 1);
    }
  }

  boolean mightContain(String eventId) {
    return mightContain(IdHash.of(eventId));
  }

  boolean mightContain(IdHash hash) {
    for (List<BloomBlock> chain : days.values()) {
      for (BloomBlock block : chain) {
        if (block.mightContain(hash.h1(), hash.h2())) return true;
      }
    }
    return false;
  }

  void add(String eventId, long epochDay) {
    add(IdHash.of(eventId), epochDay);
  }

  void add(IdHash hash, long epochDay) {
    List<BloomBlock> chain = days.computeIfAbsent(epochDay, d -> new ArrayList<>());
    BloomBlock last = chain.isEmpty() ? null : chain.get(chain.size() - 1);
    if (last == null || last.count >= last.capacity) {
      // A day starts at the size of the day before: a steady tenant then needs one block a day.
      long capacity = last != null ? last.capacity * 2 : Math.max(FIRST_BLOCK, idsOfDayBefore(epochDay));
      last = new BloomBlock(capacity, fpp);
      chain.add(last);
      bytes += last.bytes();
    }
    last.put(hash.h1(), hash.h2());
  }

  private static long longAt(byte[] b, int from) {
    long v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | (b[from + i] & 0xffL);
    return v;
  }

  private long idsOfDayBefore(long epochDay) {
    Map.Entry<Long, List<BloomBlock>> before = days.lowerEntry(epochDay);
    return before == null ? 0 : before.getValue().stream().mapToLong(b -> b.count).sum();
  }

  /** Drops the days before {@code firstDay}; returns the bytes freed. */
  long expireBefore(long firstDay) {
    long freed = 0;
    Iterator<Map.Entry<Long, List<BloomBlock>>> it = days.headMap(firstDay).entrySet().iterator();
    while (it.hasNext()) {
      for (BloomBlock b : it.next().getValue()) freed += b.bytes();
      it.remove();
    }
    bytes -= freed;
    return freed;
  }

  /** The filters' size: the bit arrays, plus a little per block. */
  long bytes() {
    return bytes + 128;
  }

  long ids() {
    return days.values().stream().flatMap(List::stream).mapToLong(b -> b.count).sum();
  }

  /** The optimal bit count for n ids at rate p: n·ln(1/p)/ln²2. */
  static long bitsFor(long n, double p) {
    return (long) Math.ceil(-n * Math.log(p) / (Math.log(2) * Math.log(2)));
  }
}
