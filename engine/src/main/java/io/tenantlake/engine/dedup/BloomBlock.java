package io.tenantlake.engine.dedup;

/**
 * One fixed-capacity Bloom filter over 128-bit id hashes, probed by double hashing (bit i of k at
 * h1 + i·h2): an id is hashed once per lookup and the same two halves probe every block of every day,
 * instead of hashing the string again per block. Not thread-safe (one table's commits do not overlap).
 */
final class BloomBlock {
  final long capacity;
  long count;
  private final long[] words;
  private final long bits;
  private final int hashes;

  BloomBlock(long capacity, double fpp) {
    this.capacity = capacity;
    this.bits = Math.max(64, TenantIdFilter.bitsFor(capacity, fpp));
    this.words = new long[(int) ((bits + 63) / 64)];
    this.hashes = Math.max(1, (int) Math.round((double) bits / capacity * Math.log(2)));
  }

  /** h mapped onto [0, bits) by a multiply (no division): floor((h/2) · 2·bits / 2^64). */
  private long index(long h) {
    return Math.multiplyHigh(h >>> 1, bits << 1);
  }

  void put(long h1, long h2) {
    long h = h1;
    for (int i = 0; i < hashes; i++) {
      long bit = index(h);
      words[(int) (bit >>> 6)] |= 1L << bit;
      h += h2;
    }
    count++;
  }

  boolean mightContain(long h1, long h2) {
    long h = h1;
    for (int i = 0; i < hashes; i++) {
      long bit = index(h);
      if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) return false;
      h += h2;
    }
    return true;
  }

  long bytes() {
    return words.length * 8L + 48;
  }
}
