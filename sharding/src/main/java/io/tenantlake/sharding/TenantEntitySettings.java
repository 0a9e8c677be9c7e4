package io.tenantlake.sharding;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the tenant entities and the router in front of them ({@code tenantlake.sharding.tenant}
 * and {@code tenantlake.sharding.tenant-router} of this module's reference.conf), checked once at start.
 *
 * @param numberOfShards shards of the "tenant" entity type; must be equal on every node of a cluster
 * @param role cluster role whose nodes host tenant entities; empty = every node
 * @param passivateAfterIdle an entity without in-flight state stops after this long without messages
 * @param maxIdleWithInFlight an entity holding in-flight state stops only after this long without messages
 * @param committedKeysMax committed versions remembered per tenant (least recently used forgotten first)
 * @param askTimeout how long the router waits for one answer of an entity before failing
 * @param askParallelism tenants asked at once by one router
 * @param maxEventsPerAsk the most events in one Apply message
 * @param maxBytesPerAsk the most (estimated) bytes in one Apply message: below Artery's frame size
 */
public record TenantEntitySettings(
    int numberOfShards,
    String role,
    Duration passivateAfterIdle,
    Duration maxIdleWithInFlight,
    int committedKeysMax,
    Duration askTimeout,
    int askParallelism,
    int maxEventsPerAsk,
    long maxBytesPerAsk) {

  public TenantEntitySettings {
    require(numberOfShards >= 1, "tenant.number-of-shards must be at least 1");
    require(role != null, "tenant.role must be a string");
    require(passivateAfterIdle.compareTo(Duration.ZERO) > 0, "tenant.passivate-after-idle must be positive");
    require(maxIdleWithInFlight.compareTo(passivateAfterIdle) >= 0,
        "tenant.max-idle-with-in-flight must be at least tenant.passivate-after-idle");
    require(committedKeysMax >= 0, "tenant.committed-keys-max must not be negative");
    require(askTimeout.compareTo(Duration.ZERO) > 0, "tenant-router.ask-timeout must be positive");
    require(askParallelism >= 1, "tenant-router.parallelism must be at least 1");
    require(maxEventsPerAsk >= 1, "tenant-router.max-events-per-ask must be at least 1");
    require(maxBytesPerAsk >= 1, "tenant-router.max-bytes-per-ask must be at least 1 byte");
  }

  /** From a root config (e.g. {@code system.settings().config()}). */
  public static TenantEntitySettings fromConfig(Config root) {
    Config t = root.getConfig("tenantlake.sharding.tenant");
    Config r = root.getConfig("tenantlake.sharding.tenant-router");
    return new TenantEntitySettings(t.getInt("number-of-shards"), t.getString("role"),
        t.getDuration("passivate-after-idle"), t.getDuration("max-idle-with-in-flight"), t.getInt("committed-keys-max"),
        r.getDuration("ask-timeout"), r.getInt("parallelism"), r.getInt("max-events-per-ask"),
        r.getBytes("max-bytes-per-ask"));
  }

  public TenantEntitySettings withPassivation(Duration afterIdle, Duration maxWithInFlight) {
    return new TenantEntitySettings(numberOfShards, role, afterIdle, maxWithInFlight, committedKeysMax, askTimeout,
        askParallelism, maxEventsPerAsk, maxBytesPerAsk);
  }

  public TenantEntitySettings withCommittedKeysMax(int max) {
    return new TenantEntitySettings(numberOfShards, role, passivateAfterIdle, maxIdleWithInFlight, max, askTimeout,
        askParallelism, maxEventsPerAsk, maxBytesPerAsk);
  }

  public TenantEntitySettings withAsk(Duration timeout, int parallelism, int maxEvents, long maxBytes) {
    return new TenantEntitySettings(numberOfShards, role, passivateAfterIdle, maxIdleWithInFlight, committedKeysMax,
        timeout, parallelism, maxEvents, maxBytes);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException("tenantlake.sharding." + message);
  }
}
