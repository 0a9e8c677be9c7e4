package io.tenantlake.sharding;

import io.tenantlake.engine.event.RawEvent;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * The tenant entities of a cluster node: {@link #init} starts the "tenant" shard region (or a proxy on
 * nodes without the configured role); {@link #ref} reaches one tenant's entity wherever it lives.
 * Sharding's own idle passivation is off for this type: {@link TenantEntity} decides (it knows whether
 * it holds uncommitted state).
 */
public final class TenantSharding {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ActorRef<ShardingEnvelope<TenantEntity.Command>> region;
  private final TenantEntitySettings settings;

  private TenantSharding(ActorSystem<?> system, ClusterSharding sharding,
      ActorRef<ShardingEnvelope<TenantEntity.Command>> region, TenantEntitySettings settings) {
    this.system = system;
    this.sharding = sharding;
    this.region = region;
    this.settings = settings;
  }

  /** With the settings of the system's config ({@code tenantlake.sharding.*}). */
  public static TenantSharding init(ActorSystem<?> system) {
    return init(system, TenantEntitySettings.fromConfig(system.settings().config()));
  }

  /** Starts (idempotently) the tenant entity type on this node. The node must be (or become) a cluster member. */
  public static TenantSharding init(ActorSystem<?> system, TenantEntitySettings settings) {
    ClusterSharding sharding = ClusterSharding.get(system);
    ClusterShardingSettings shardingSettings = ClusterShardingSettings.create(system).withNoPassivationStrategy();
    Entity<TenantEntity.Command, ShardingEnvelope<TenantEntity.Command>> entity =
        Entity.of(TenantEntity.TYPE_KEY, ctx -> TenantEntity.create(ctx.getEntityId(), ctx.getShard(), settings))
            .withMessageExtractor(new HashCodeMessageExtractor<TenantEntity.Command>(settings.numberOfShards()))
            .withSettings(shardingSettings);
    if (!settings.role().isEmpty()) entity = entity.withRole(settings.role());
    return new TenantSharding(system, sharding, sharding.init(entity), settings);
  }

  /** The shard region: tell it {@code new ShardingEnvelope<>(tenantId, command)}. */
  public ActorRef<ShardingEnvelope<TenantEntity.Command>> region() {
    return region;
  }

  /** One tenant's entity (for tell and ask). */
  public EntityRef<TenantEntity.Command> ref(String tenantId) {
    return sharding.entityRefFor(TenantEntity.TYPE_KEY, tenantId);
  }

  public TenantEntitySettings settings() {
    return settings;
  }

  public ActorSystem<?> system() {
    return system;
  }

  /** {@link TenantRouter#flow(TenantSharding, String)}. */
  public Flow<List<RawEvent>, TenantRouter.Routed, NotUsed> router(String epoch) {
    return TenantRouter.flow(this, epoch);
  }
}
