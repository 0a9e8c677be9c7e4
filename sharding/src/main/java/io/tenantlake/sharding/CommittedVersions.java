package io.tenantlake.sharding;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The highest committed version per key that a tenant entity still remembers: a least-recently-used
 * map bounded to {@code max} keys. A forgotten key is no loss: the refined tables hold its version
 * and their MERGE drops older events again.
 */
final class CommittedVersions {
  private final int max;
  private final LinkedHashMap<String, Long> versions;

  CommittedVersions(int max) {
    this.max = max;
    this.versions = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > CommittedVersions.this.max;
      }
    };
  }

  /** The committed version of the key, or {@code Long.MIN_VALUE} when unknown; marks it recently used. */
  long get(String key) {
    Long v = versions.get(key);
    return v == null ? Long.MIN_VALUE : v;
  }

  /** Remembers a committed version; a lower one than already known changes nothing. */
  void record(String key, long version) {
    if (max == 0) return;
    versions.merge(key, version, Math::max);
  }

  int size() {
    return versions.size();
  }
}
