package io.tenantlake.sharding;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link RawEvent} in a form that crosses the cluster (jackson-cbor): the envelope as the bytes of
 * its {@link ChangeEvent}, the rest as plain fields. The key fields and version are copied out of the
 * envelope so that the tenant entity never parses protobuf; build one with {@link #of(RawEvent)},
 * which keeps them consistent.
 *
 * <p>A claim-checked event (one with a {@code payloadRef}) is held by reference: its resolved bytes
 * (up to the claim-check max size) are not carried, {@code payload} is null and the
 * {@code payloadRef} reaches them. Inline payloads are carried as they are.
 */
public record InFlightEvent(
    String tenantId,
    String entityType,
    String entityId,
    long version,
    Op op,
    byte[] event,
    byte[] payload,
    String payloadType,
    String payloadRef,
    Lane lane,
    String stream,
    String shardId,
    String sequenceNumber,
    Instant ingestedAt) implements CborSerializable {

  public InFlightEvent {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(entityType, "entityType");
    Objects.requireNonNull(entityId, "entityId");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(event, "event");
  }

  /** The in-flight form of a decoded event (see the class comment for claim-checked payloads). */
  public static InFlightEvent of(RawEvent raw) {
    ChangeEvent e = raw.event();
    boolean byReference = raw.payloadRef() != null && !raw.payloadRef().isEmpty();
    Origin o = raw.origin();
    return new InFlightEvent(e.getTenantId(), e.getEntityType(), e.getEntityId(), e.getVersion(), e.getOp(),
        e.toByteArray(), byReference ? null : raw.payload(), raw.payloadType(), raw.payloadRef(),
        o == null ? null : o.lane(), o == null ? null : o.stream(), o == null ? null : o.shardId(),
        o == null ? null : o.sequenceNumber(), raw.ingestedAt());
  }

  /** Back to the engine's form; {@code payload} is null for a claim-checked event. */
  public RawEvent toRawEvent() {
    ChangeEvent e;
    try {
      e = ChangeEvent.parseFrom(event);
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("in-flight event " + key() + " v" + version + " holds a broken envelope", ex);
    }
    Origin o = lane == null ? null : new Origin(lane, stream, shardId, sequenceNumber);
    return new RawEvent(e, payload, payloadType, payloadRef, o, ingestedAt);
  }

  /** The key of an entity within its tenant, as {@link TenantEntity.Committed} names it. */
  public static String key(String entityType, String entityId) {
    return entityType + "/" + entityId;
  }

  /** {@code entity_type + "/" + entity_id}. */
  public String key() {
    return key(entityType, entityId);
  }

  public boolean deleted() {
    return op == Op.OP_DELETED;
  }

  /** A rough serialized size, for sizing messages. */
  public long weight() {
    return 512L + event.length + (payload == null ? 0 : payload.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InFlightEvent x
        && version == x.version && op == x.op && lane == x.lane
        && tenantId.equals(x.tenantId) && entityType.equals(x.entityType) && entityId.equals(x.entityId)
        && Arrays.equals(event, x.event) && Arrays.equals(payload, x.payload)
        && Objects.equals(payloadType, x.payloadType) && Objects.equals(payloadRef, x.payloadRef)
        && Objects.equals(stream, x.stream) && Objects.equals(shardId, x.shardId)
        && Objects.equals(sequenceNumber, x.sequenceNumber) && Objects.equals(ingestedAt, x.ingestedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tenantId, entityType, entityId, version, op, Arrays.hashCode(event), Arrays.hashCode(payload),
        payloadRef, sequenceNumber);
  }

  @Override
  public String toString() {
    return "InFlightEvent[" + tenantId + " " + key() + " v" + version + " " + op
        + (payload == null ? "" : " " + payload.length + " B") + (payloadRef == null ? "" : " ref " + payloadRef) + "]";
  }
}
