package io.tenantlake.engine.dedup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last ids committed, exactly, with the fingerprints of their contents: producer retries come
 * within seconds or minutes, so most duplicates are decided here without reading a file. Shared by
 * the tables of a writer (which commit in parallel), bounded by count, least recently used first out.
 */
final class RecentIds {
  private final int capacity;
  private final LinkedHashMap<String, long[]> entries;

  RecentIds(int capacity) {
    this.capacity = capacity;
    // Sized for its capacity: it fills within minutes, and rehashing a large map costs a pause.
    this.entries = new LinkedHashMap<>((int) Math.min(Integer.MAX_VALUE, capacity / 0.75 + 1), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
        return size() > RecentIds.this.capacity;
      }
    };
  }

  static String key(String table, String tenant, String eventId) {
    return table + '\u0000' + tenant + '\u0000' + eventId;
  }

  /** The fingerprints known for the id, or null if it is not remembered. */
  synchronized long[] get(String key) {
    return entries.get(key);
  }

  synchronized void put(String key, long[] fingerprints) {
    if (capacity > 0) entries.put(key, fingerprints);
  }

  /** Forgets a table's ids (its index is being rebuilt): keys start with the table name. */
  synchronized void forgetTable(String table) {
    String prefix = table + '\u0000';
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }

  synchronized int size() {
    return entries.size();
  }
}
