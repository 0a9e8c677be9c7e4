package io.tenantlake.sharding;

/**
 * Marker for messages that cross the cluster: bound to Pekko's {@code jackson-cbor} serializer in
 * this module's reference.conf. Implement it on every message and reply of a sharded entity.
 */
public interface CborSerializable {}
