package io.tenantlake.engine.event;

import io.tenantlake.proto.v1.ChangeEvent;
import java.time.Instant;

/**
 * A decoded, verified event on its way into the raw table. {@code payload} holds the payload
 * message's bytes, resolved from a claim check and decompressed, or null for a delete without one;
 * {@code event} keeps the envelope (its inline payload cleared, to hold the bytes once).
 */
public record RawEvent(ChangeEvent event, byte[] payload, String payloadType, String payloadRef,
    Origin origin, Instant ingestedAt) {

  /** A rough in-memory size, for batching by bytes. */
  public long weight() {
    return 256L + (payload == null ? 0 : payload.length);
  }
}
