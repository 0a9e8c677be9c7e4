package io.tenantlake.engine.model;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.proto.EntityType;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.domain.confluence.v1.Page;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.domain.jira.v1.Project;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Small event fixtures for model tests (no dependency on the demo's sample events). */
final class ModelFixtures {
  static final EntityTypeRegistry REGISTRY = EntityTypeRegistry.defaults();
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final AtomicLong SEQ = new AtomicLong();

  private ModelFixtures() {}

  /** The checkout's conf/models (tests run in engine/). */
  static Path shippedModelsDir() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path models = dir.resolve("conf/models");
      if (Files.isRegularFile(models.resolve("README.md"))) return models;
    }
    throw new IllegalStateException("no conf/models above " + Path.of("").toAbsolutePath());
  }

  /** The engine's configuration (reference.conf's tenantlake.models) with the checkout's models dir. */
  static Config shippedConfig() {
    return ConfigFactory.parseMap(Map.of("tenantlake.models-dir", shippedModelsDir().toString()))
        .withFallback(ConfigFactory.load());
  }

  static ModelCatalog shippedCatalog() {
    return ModelCatalog.fromConfig(shippedConfig(), REGISTRY);
  }

  static ModelCatalog catalog(ModelDefinition... models) {
    return ModelCatalog.of(REGISTRY, List.of(models));
  }

  static ModelDefinition model(String name, String source, List<String> key, String sql) {
    return new ModelDefinition(name, List.of(source), key, sql, name + " (test)");
  }

  static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  static RawEvent event(String tenant, String type, String id, long version, Message payload) {
    return raw(tenant, type, id, version, version == 1 ? Op.OP_CREATED : Op.OP_UPDATED,
        payload == null ? null : payload.toByteArray());
  }

  static RawEvent delete(String tenant, String type, String id, long version) {
    return raw(tenant, type, id, version, Op.OP_DELETED, null);
  }

  static RawEvent raw(String tenant, String type, String id, long version, Op op, byte[] payload) {
    long seq = SEQ.incrementAndGet();
    ChangeEvent e = ChangeEvent.newBuilder()
        .setEventId("ev-" + tenant + "-" + id + "-" + version + "-" + seq)
        .setTenantId(tenant).setEntityType(type).setEntityId(id).setOp(op).setVersion(version)
        .setEmittedAt(ts(T0.plusSeconds(version)))
        .build();
    String payloadType = payload == null ? null
        : REGISTRY.find(type).map(EntityType::typeUrl).orElse(null);
    return new RawEvent(e, payload, payloadType, null,
        new Origin(Lane.LIVE, "tenantlake-test", "shardId-000000000000", Long.toString(seq)), T0.plusSeconds(3600));
  }

  static Issue.Builder issue(String key, String... labels) {
    return Issue.newBuilder().setKey(key).setProjectId("p-1").setSummary("Summary of " + key)
        .setDescription("Description of " + key).setStatus("Open").setPriority("High")
        .addAllLabels(List.of(labels))
        .setCreated(ts(T0)).setUpdated(ts(T0.plusMillis(1500)));
  }

  static RawEvent issueEvent(String tenant, String id, long version, String... labels) {
    return event(tenant, "jira.issue", id, version, issue("PROJ-" + id, labels).build());
  }

  static Project project(String key, String name, String lead) {
    return Project.newBuilder().setKey(key).setName(name).setLeadId(lead).build();
  }

  static User user(String name, String email, boolean active) {
    return User.newBuilder().setDisplayName(name).setEmail(email).setActive(active).build();
  }

  static Page page(String space, String title, String body, String author) {
    return Page.newBuilder().setSpaceKey(space).setTitle(title).setBody(body).setAuthorId(author)
        .setUpdated(ts(T0.plusSeconds(60))).build();
  }
}
