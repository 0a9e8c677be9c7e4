package io.tenantlake.engine.dedup;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.engine.raw.RawTables;
import java.nio.charset.StandardCharsets;

/**
 * What makes two events with one {@code event_id} the same event: entity, operation, version,
 * payload type and payload. A producer's retry repeats all of them; a reused id with other content
 * is a conflict, stored and reported, never dropped. Where it was read and when are not part of it.
 *
 * <p>A claim-checked payload is compared by its reference: claim checks are content-addressed
 * ({@code <tenant>/<sha256>}), so a retried upload has the same one.
 */
public final class EventFingerprint {
  private EventFingerprint() {}

  public static long of(RawEvent e) {
    return of(e.event().getEntityId(), RawTables.opName(e.event()), e.event().getVersion(), e.payloadType(),
        e.payloadRef() != null ? null : e.payload(), e.payloadRef());
  }

  /** The same fingerprint from a raw table row's columns. */
  public static long of(String entityId, String op, long version, String payloadType, byte[] payload, String payloadRef) {
    Hasher h = Hashing.murmur3_128().newHasher();
    putString(h, entityId);
    putString(h, op);
    h.putLong(version);
    putString(h, payloadType);
    if (payloadRef != null) {
      h.putByte((byte) 1);
      putString(h, payloadRef);
    } else if (payload != null) {
      h.putByte((byte) 2);
      h.putInt(payload.length).putBytes(payload);
    } else {
      h.putByte((byte) 0);
    }
    return h.hash().asLong();
  }

  private static void putString(Hasher h, String s) {
    if (s == null) {
      h.putInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    h.putInt(b.length).putBytes(b);
  }
}
