package io.tenantlake.engine.intake;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link KinesisPublisher} packs events into Kinesis records: the events of one publish that
 * go to the same shard share records of at most {@code maxEvents} events and {@code maxBytes} of
 * data. Fewer, larger records are what Kinesis (and its emulator) move cheaply: each record costs a
 * hash, a sequence number and a slot in the 1,000 records/s a shard takes, whatever its size.
 * An event larger than {@code maxBytes} travels alone, as it did before packing.
 *
 * <p>Which shard an event goes to comes from a cached shard map (ListShards), reloaded after
 * {@code shardMapMaxAge} and as soon as Kinesis puts a record on another shard than the map said
 * (a reshard). {@code maxEvents = 1} switches packing off: one record per event.
 *
 * <p>Read from {@code tenantlake.intake.packing} (see http-api's reference.conf).
 */
public record RecordPacking(int maxEvents, long maxBytes, Duration shardMapMaxAge) {
  public RecordPacking {
    Objects.requireNonNull(shardMapMaxAge, "shardMapMaxAge");
    if (maxEvents < 1) throw new IllegalArgumentException("packing max-events must be >= 1");
    if (maxBytes < 1024 || maxBytes > KinesisPublisher.MAX_RECORD_BYTES / 2) {
      throw new IllegalArgumentException("packing max-bytes must be between 1 KiB and "
          + KinesisPublisher.MAX_RECORD_BYTES / 2 + " bytes (half a Kinesis record), not " + maxBytes);
    }
    if (shardMapMaxAge.isNegative() || shardMapMaxAge.isZero()) {
      throw new IllegalArgumentException("packing shard-map-max-age must be > 0");
    }
  }

  /** One record per event. */
  public static RecordPacking off() {
    return new RecordPacking(1, 256 * 1024, Duration.ofSeconds(30));
  }

  public boolean enabled() {
    return maxEvents > 1;
  }

  /** From the keys {@code max-events}, {@code max-bytes}, {@code shard-map-max-age} of {@code c}. */
  public static RecordPacking fromConfig(Config c) {
    return new RecordPacking(c.getInt("max-events"), c.getBytes("max-bytes"), c.getDuration("shard-map-max-age"));
  }
}
