package io.tenantlake.sharding;

import java.util.HashMap;
import java.util.Map;

/**
 * One instance per tenant entity of the strings its in-flight events repeat (entity types, payload
 * type URLs, streams, shard ids): events arrive deserialized, each with copies of its own, and an
 * entity holding a million in-flight events would keep a million copies of "jira.issue". Bounded: a
 * pool that outgrows {@link #MAX} (values that do not repeat) starts again empty.
 */
final class SharedStrings {
  static final int MAX = 1024;
  private final Map<String, String> pool = new HashMap<>();

  /** The pool's instance equal to {@code s} (null for null). */
  String share(String s) {
    if (s == null) return null;
    String known = pool.get(s);
    if (known != null) return known;
    if (pool.size() >= MAX) pool.clear();
    pool.put(s, s);
    return s;
  }

  /** The event with its repeated strings taken from the pool and {@code tenantId} for its tenant. */
  InFlightEvent shareIn(InFlightEvent e, String tenantId) {
    return new InFlightEvent(tenantId, share(e.entityType()), e.entityId(), e.version(), e.op(), e.event(), e.payload(),
        share(e.payloadType()), e.payloadRef(), e.lane(), share(e.stream()), share(e.shardId()), e.sequenceNumber(),
        e.ingestedAt());
  }
}
