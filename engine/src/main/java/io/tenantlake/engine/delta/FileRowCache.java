package io.tenantlake.engine.delta;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The decoded rows of recently written or read data files, so that a copy-on-write merge does not
 * fetch and decode again what its own last commit wrote. A data file is immutable and its name is
 * unique (a UUID), so an entry can never be stale: a file that is no longer live is simply not
 * asked for, and ages out. Bounded by an estimate of the rows' heap size; least recently used
 * first out. One cache may serve several tables (keys are absolute file locations). Thread-safe.
 */
public final class FileRowCache {
  private final long maxBytes;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  private record Entry(List<Object[]> rows, long bytes) {}

  /** @param maxBytes the estimated heap the cached rows may take; 0 caches nothing */
  public FileRowCache(long maxBytes) {
    if (maxBytes < 0) throw new IllegalArgumentException("row cache size must be >= 0 bytes, got " + maxBytes);
    this.maxBytes = maxBytes;
  }

  public static FileRowCache disabled() {
    return new FileRowCache(0);
  }

  /** The file's data-column rows, if cached. The list must not be modified. */
  public Optional<List<Object[]>> get(String location) {
    Entry e;
    synchronized (this) {
      e = entries.get(location);
    }
    (e == null ? misses : hits).increment();
    return e == null ? Optional.empty() : Optional.of(e.rows());
  }

  /** Remembers a file's rows (which the caller must not modify afterwards). */
  public void put(String location, List<Object[]> rows) {
    if (maxBytes == 0) return;
    long size = estimate(rows);
    // One file larger than a quarter of the budget would push out everything else for one read.
    if (size > maxBytes / 4) return;
    synchronized (this) {
      Entry old = entries.put(location, new Entry(List.copyOf(rows), size));
      if (old != null) bytes -= old.bytes();
      bytes += size;
      Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
      while (bytes > maxBytes && it.hasNext()) {
        bytes -= it.next().getValue().bytes();
        it.remove();
      }
    }
  }

  /** Forgets a file (one that a commit removed). */
  public synchronized void invalidate(String location) {
    Entry old = entries.remove(location);
    if (old != null) bytes -= old.bytes();
  }

  public synchronized long sizeBytes() {
    return bytes;
  }

  public synchronized int files() {
    return entries.size();
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  /** A rough heap size: object headers and references, string and byte contents. */
  static long estimate(List<Object[]> rows) {
    long total = 0;
    for (Object[] row : rows) {
      total += 16 + 8L * row.length;
      for (Object v : row) {
        if (v == null) continue;
        if (v instanceof String s) total += 40 + s.length();
        else if (v instanceof byte[] b) total += 16 + b.length;
        else total += 16;
      }
    }
    return total;
  }

  @Override
  public String toString() {
    return "FileRowCache[" + files() + " files, " + sizeBytes() / 1024 + " KiB of " + maxBytes / 1024 + " KiB, hits "
        + hits() + ", misses " + misses() + "]";
  }
}
