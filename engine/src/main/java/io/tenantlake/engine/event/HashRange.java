package io.tenantlake.engine.event;

import java.math.BigInteger;
import java.util.Objects;

/** A Kinesis shard's inclusive range of hash keys (unsigned 128-bit). */
public record HashRange(BigInteger start, BigInteger end) {
  public HashRange {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
  }

  public static HashRange of(String start, String end) {
    return new HashRange(new BigInteger(start), new BigInteger(end));
  }

  public boolean contains(BigInteger hashKey) {
    return hashKey.compareTo(start) >= 0 && hashKey.compareTo(end) <= 0;
  }
}
