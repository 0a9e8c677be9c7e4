package io.tenantlake.engine;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads of the node's own blocking-IO pools: daemons, so a pool that a failed start left behind
 * never keeps the JVM alive, and numbered, so a thread dump says which pool a thread serves.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String pool) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, pool + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
