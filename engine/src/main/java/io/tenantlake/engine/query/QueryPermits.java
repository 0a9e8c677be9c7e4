package io.tenantlake.engine.query;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** How many queries run at once, per tenant and on the node: a query over either limit is refused, never queued. */
final class QueryPermits {
  private final int perTenant;
  private final int perNode;
  private final AtomicInteger node = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> tenants = new ConcurrentHashMap<>();

  QueryPermits(int perTenant, int perNode) {
    this.perTenant = perTenant;
    this.perNode = perNode;
  }

  /** Takes a permit for the tenant, or throws TOO_MANY naming the limit that was reached. */
  AutoCloseable acquire(String tenant) {
    if (node.incrementAndGet() > perNode) {
      node.decrementAndGet();
      throw new QueryException(QueryException.Kind.TOO_MANY, "the node is running its limit of " + perNode
          + " queries: retry shortly");
    }
    AtomicInteger t = tenants.computeIfAbsent(tenant, k -> new AtomicInteger());
    if (t.incrementAndGet() > perTenant) {
      t.decrementAndGet();
      node.decrementAndGet();
      throw new QueryException(QueryException.Kind.TOO_MANY, "tenant " + tenant + " is running its limit of " + perTenant
          + " concurrent queries: retry when one ends");
    }
    return () -> {
      t.decrementAndGet();
      node.decrementAndGet();
    };
  }

  int running() {
    return node.get();
  }
}
