package io.tenantlake.engine.dedup;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every (table, tenant) filter of a writer, least recently used first, within a byte budget: a
 * tenant dropped for room is rebuilt from raw the next time it sends, so memory stays bounded
 * whatever the number of tenants, and exactness does not depend on it.
 */
final class FilterMemory {
  private final long maxBytes;
  private final LinkedHashMap<String, TenantIdFilter> filters = new LinkedHashMap<>(1024, 0.75f, true);
  private long bytes;
  private long evicted;

  FilterMemory(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  private static String key(String table, String tenant) {
    return table + '\u0000' + tenant;
  }

  synchronized Optional<TenantIdFilter> get(String table, String tenant) {
    return Optional.ofNullable(filters.get(key(table, tenant)));
  }

  synchronized TenantIdFilter put(String table, String tenant, TenantIdFilter filter) {
    TenantIdFilter old = filters.put(key(table, tenant), filter);
    if (old != null) bytes -= old.bytes();
    bytes += filter.bytes();
    evictOver();
    return filter;
  }

  /** A filter grew or shrank by {@code delta} bytes. */
  synchronized void resized(String table, String tenant, TenantIdFilter filter, long delta) {
    if (filters.get(key(table, tenant)) != filter) return;
    bytes += delta;
    evictOver();
  }

  synchronized void forgetTable(String table) {
    String prefix = table + '\u0000';
    Iterator<Map.Entry<String, TenantIdFilter>> it = filters.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, TenantIdFilter> e = it.next();
      if (e.getKey().startsWith(prefix)) {
        bytes -= e.getValue().bytes();
        it.remove();
      }
    }
  }

  private void evictOver() {
    Iterator<Map.Entry<String, TenantIdFilter>> it = filters.entrySet().iterator();
    // Keep the newest one even alone over budget: it is in use.
    while (bytes > maxBytes && filters.size() > 1 && it.hasNext()) {
      bytes -= it.next().getValue().bytes();
      it.remove();
      evicted++;
    }
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized long ids() {
    return filters.values().stream().mapToLong(TenantIdFilter::ids).sum();
  }

  synchronized long evicted() {
    return evicted;
  }
}
