package io.tenantlake.engine.event;

import java.time.Instant;

/**
 * A record that could not be decoded or applied, kept with the reason and its original bytes so
 * that nothing is silently dropped and an operator can replay it after a fix.
 */
public record DeadLetter(String reason, Origin origin, byte[] original, String tenantId, String entityType,
    String entityId, String eventId, Instant failedAt) {

  /** The partition of the deadletter table for records whose tenant is not known. */
  public static final String UNKNOWN_TENANT = "_unknown";

  public String partitionTenant() {
    return tenantId == null || tenantId.isEmpty() ? UNKNOWN_TENANT : tenantId;
  }
}
