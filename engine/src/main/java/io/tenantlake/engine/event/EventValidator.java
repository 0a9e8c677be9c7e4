package io.tenantlake.engine.event;

import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules an event must meet to enter the lake. The intake answers a producer with the first
 * broken rule; the raw writer applies the same rules again to whatever reaches the stream by other
 * means, and dead-letters what fails.
 */
public final class EventValidator {
  /** Tenant ids become partition directories and S3 prefixes: a conservative alphabet. */
  public static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final Pattern ENTITY_ID = Pattern.compile("[\\x21-\\x7E]{1,256}");
  private static final Pattern EVENT_ID = Pattern.compile("[\\x21-\\x7E]{1,128}");

  private final EntityTypeRegistry registry;

  public EventValidator(EntityTypeRegistry registry) {
    this.registry = registry;
  }

  public EntityTypeRegistry registry() {
    return registry;
  }

  /** Empty when the event is acceptable, else the reason, naming the field. */
  public Optional<String> problem(ChangeEvent e) {
    if (e.getTenantId().isEmpty()) return Optional.of("tenant_id is missing");
    if (!TENANT_ID.matcher(e.getTenantId()).matches()) {
      return Optional.of("tenant_id must be 1-64 characters of A-Z a-z 0-9 _ - (starting with a letter or digit)");
    }
    if (e.getEntityId().isEmpty()) return Optional.of("entity_id is missing");
    if (!ENTITY_ID.matcher(e.getEntityId()).matches()) {
      return Optional.of("entity_id must be 1-256 printable ASCII characters without spaces");
    }
    if (!EVENT_ID.matcher(e.getEventId()).matches()) {
      return Optional.of("event_id must be 1-128 printable ASCII characters without spaces");
    }
    if (e.getEntityType().isEmpty()) return Optional.of("entity_type is missing");
    if (registry.find(e.getEntityType()).isEmpty()) {
      return Optional.of("entity_type '" + truncate(e.getEntityType()) + "' is not known; known: " + registry.names());
    }
    if (e.getOp() == Op.OP_UNSPECIFIED || e.getOp() == Op.UNRECOGNIZED) return Optional.of("op is missing");
    if (e.getVersion() <= 0) return Optional.of("version must be > 0");
    if (e.getOp() != Op.OP_DELETED && !e.hasPayload() && !e.hasPayloadRef()) {
      return Optional.of("a " + e.getOp() + " event needs a payload or a payload_ref");
    }
    return registry.checkPayload(e);
  }

  private static String truncate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
