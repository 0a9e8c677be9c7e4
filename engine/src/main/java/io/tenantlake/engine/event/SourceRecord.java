package io.tenantlake.engine.event;

import java.time.Instant;

/** A record as read from a lane, not yet decoded: bytes and where they came from. */
public record SourceRecord(Origin origin, byte[] data, Instant arrivedAt) {}
