package io.tenantlake.proto;

import com.google.protobuf.Any;
import com.google.protobuf.util.JsonFormat;
import io.tenantlake.proto.domain.confluence.v1.Page;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.domain.jira.v1.Project;
import io.tenantlake.proto.v1.BootstrapRecord;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.PayloadRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The entity types the service accepts: entity_type → payload message and Kinesis stream.
 * Immutable, so one instance is shared by the intake, the decoders and the JSON codec.
 *
 * <p>Streams are one per product domain ({@code tenantlake-jira}, ...): a domain's volume is
 * scaled and throttled as a whole, and its entity types share the shards (the partition key,
 * tenant/type/id, still spreads them).
 */
public final class EntityTypeRegistry {

  private static final EntityTypeRegistry DEFAULTS =
      of(
          EntityType.of("jira.issue", Issue.getDefaultInstance()),
          EntityType.of("jira.project", Project.getDefaultInstance()),
          EntityType.of("identity.user", User.getDefaultInstance()),
          EntityType.of("confluence.page", Page.getDefaultInstance()));

  private final Map<String, EntityType> byName;
  private final JsonFormat.TypeRegistry typeRegistry;

  private EntityTypeRegistry(Map<String, EntityType> byName) {
    this.byName = Collections.unmodifiableMap(byName);
    JsonFormat.TypeRegistry.Builder types = JsonFormat.TypeRegistry.newBuilder();
    byName.values().forEach(t -> types.add(t.descriptor()));
    this.typeRegistry = types.build();
  }

  /** The example domains: jira.issue, jira.project, identity.user, confluence.page. */
  public static EntityTypeRegistry defaults() {
    return DEFAULTS;
  }

  public static EntityTypeRegistry of(EntityType... types) {
    return of(Arrays.asList(types));
  }

  /** Rejects two entries with the same name: which payload would win would be an accident. */
  public static EntityTypeRegistry of(Collection<EntityType> types) {
    Map<String, EntityType> byName = new LinkedHashMap<>();
    for (EntityType type : types) {
      if (byName.putIfAbsent(type.name(), type) != null) {
        throw new IllegalArgumentException("entity type registered twice: " + type.name());
      }
    }
    return new EntityTypeRegistry(byName);
  }

  /** A copy with one more entity type (e.g. a test's or a new product's). */
  public EntityTypeRegistry with(EntityType type) {
    List<EntityType> all = new ArrayList<>(byName.values());
    all.add(type);
    return of(all);
  }

  public Optional<EntityType> find(String entityType) {
    return Optional.ofNullable(byName.get(entityType));
  }

  public Optional<String> streamFor(String entityType) {
    return find(entityType).map(EntityType::stream);
  }

  public Optional<String> typeUrlFor(String entityType) {
    return find(entityType).map(EntityType::typeUrl);
  }

  /** In registration order. */
  public Collection<EntityType> all() {
    return byName.values();
  }

  /** Entity type names, in registration order. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** Every stream some entity type uses, sorted: what the intake writes and the readers read. */
  public Set<String> streams() {
    Set<String> streams = new TreeSet<>();
    byName.values().forEach(t -> streams.add(t.stream()));
    return Collections.unmodifiableSet(streams);
  }

  /** The payload messages, for JsonFormat: lets {@code Any} payloads print and parse as JSON. */
  public JsonFormat.TypeRegistry typeRegistry() {
    return typeRegistry;
  }

  /**
   * Why the event's payload does not fit its entity_type, or empty when it does: the entity_type
   * must be registered, and the inline payload's (or the claim check's) type must be that entity
   * type's message. An event without a payload (typically a delete) passes; a claim check without
   * a type_url passes too, since the entity_type already names the message.
   *
   * <p>Types compare like {@link Any#is}: by the full message name after the last '/', so any
   * type URL prefix is accepted.
   */
  public Optional<String> checkPayload(ChangeEvent event) {
    return check(
        event.getEntityType(),
        event.hasPayload() ? event.getPayload() : null,
        event.hasPayloadRef() ? event.getPayloadRef() : null);
  }

  /** Same rules as {@link #checkPayload(ChangeEvent)}. */
  public Optional<String> checkPayload(BootstrapRecord record) {
    return check(
        record.getEntityType(),
        record.hasPayload() ? record.getPayload() : null,
        record.hasPayloadRef() ? record.getPayloadRef() : null);
  }

  private Optional<String> check(String entityType, Any payload, PayloadRef ref) {
    EntityType type = byName.get(entityType);
    if (type == null) {
      return Optional.of(
          "unknown entity_type \"" + entityType + "\" (known: " + String.join(", ", names()) + ")");
    }
    if (payload != null && !sameMessage(payload.getTypeUrl(), type)) {
      return Optional.of(mismatch("payload", payload.getTypeUrl(), type));
    }
    if (ref != null && !ref.getTypeUrl().isEmpty() && !sameMessage(ref.getTypeUrl(), type)) {
      return Optional.of(mismatch("payload_ref", ref.getTypeUrl(), type));
    }
    return Optional.empty();
  }

  private static boolean sameMessage(String typeUrl, EntityType type) {
    String fullName = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    return fullName.equals(type.descriptor().getFullName());
  }

  private static String mismatch(String field, String typeUrl, EntityType type) {
    return field + " type \"" + typeUrl + "\" does not match entity_type \"" + type.name()
        + "\", which expects \"" + type.typeUrl() + "\"";
  }

  @Override
  public String toString() {
    return "EntityTypeRegistry" + byName.keySet();
  }
}
