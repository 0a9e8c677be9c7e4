package io.tenantlake.engine.intake;

import io.tenantlake.engine.event.EventRecords;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * How {@link KinesisPublisher} turns one stream's events into the records it puts: one record per
 * event, or packed per shard by a {@link ShardMap} and a {@link RecordPacking}.
 */
final class PendingRecords {
  private PendingRecords() {}

  /** An accepted event on its way: its index in the caller's list, partition key and bytes. */
  record Outgoing(int index, String key, byte[] data, long keyBytes) {}

  /**
   * A record still to publish: its events (with their indices in the caller's list) and, when packed
   * by a shard map, the shard the map expects it on.
   */
  static final class Pending {
    final List<Outgoing> events;
    final PutRecordsRequestEntry entry;
    final long size;
    final ShardMap.Range expectedShard;
    final ShardMap map;
    int attempts;
    String lastError;

    Pending(List<Outgoing> events, PutRecordsRequestEntry entry, long size, ShardMap.Range expectedShard, ShardMap map) {
      this.events = events;
      this.entry = entry;
      this.size = size;
      this.expectedShard = expectedShard;
      this.map = map;
    }

    boolean settled(PublishResult[] results) {
      return results[events.get(0).index] != null;
    }
  }

  static List<Pending> unpacked(List<Outgoing> outgoing) {
    List<Pending> out = new ArrayList<>(outgoing.size());
    for (Outgoing o : outgoing) out.add(single(o, null));
    return out;
  }

  static Pending single(Outgoing o, ShardMap.Range shard) {
    PutRecordsRequestEntry entry = PutRecordsRequestEntry.builder()
        .partitionKey(o.key).data(SdkBytes.fromByteArrayUnsafe(o.data)).build();
    return new Pending(List.of(o), entry, o.data.length + o.keyBytes, shard, null);
  }

  /**
   * Events packed into records per shard of the map, each record keeping its events' order; an
   * event the map places nowhere, or too large to share, goes alone. A record's explicit hash key
   * is its first event's, so Kinesis puts it on the shard the map names for all of them.
   */
  static List<Pending> packed(ShardMap map, List<Outgoing> outgoing, RecordPacking packing) {
    List<Pending> out = new ArrayList<>();
    Map<String, Packer> open = new LinkedHashMap<>();
    for (Outgoing o : outgoing) {
      BigInteger hash = ShardMap.hashKey(o.key);
      var shard = map.shardOf(hash);
      if (shard.isEmpty() || o.data.length + EventRecords.PER_EVENT_OVERHEAD > packing.maxBytes()) {
        // Earlier events of its shard (perhaps of its entity) go first: close what they fill.
        if (shard.isEmpty()) {
          open.values().forEach(p -> out.add(p.close(map)));
          open.clear();
        } else {
          Packer before = open.remove(shard.get().shardId());
          if (before != null) out.add(before.close(map));
        }
        out.add(single(o, shard.orElse(null)));
        continue;
      }
      Packer p = open.get(shard.get().shardId());
      if (p != null && !p.fits(o)) {
        out.add(p.close(map));
        p = null;
      }
      if (p == null) open.put(shard.get().shardId(), p = new Packer(shard.get(), o, hash, packing));
      p.add(o);
    }
    open.values().forEach(p -> out.add(p.close(map)));
    return out;
  }

  /** The record being filled for one shard. */
  private static final class Packer {
    final ShardMap.Range shard;
    final Outgoing first;
    final String key;
    final BigInteger hash;
    final RecordPacking packing;
    final List<Outgoing> events = new ArrayList<>();
    long bytes = EventRecords.markerLength();

    Packer(ShardMap.Range shard, Outgoing first, BigInteger hash, RecordPacking packing) {
      this.shard = shard;
      this.packing = packing;
      this.first = first;
      this.key = first.key;
      this.hash = hash;
    }

    boolean fits(Outgoing o) {
      return events.size() < packing.maxEvents()
          && bytes + o.data.length + EventRecords.PER_EVENT_OVERHEAD + first.keyBytes <= packing.maxBytes();
    }

    void add(Outgoing o) {
      events.add(o);
      bytes += o.data.length + EventRecords.PER_EVENT_OVERHEAD;
    }

    Pending close(ShardMap map) {
      if (events.size() == 1) return single(events.get(0), shard);
      byte[] data = EventRecords.pack(events.stream().map(Outgoing::data).toList());
      PutRecordsRequestEntry entry = PutRecordsRequestEntry.builder().partitionKey(key)
          .explicitHashKey(hash.toString()).data(SdkBytes.fromByteArrayUnsafe(data)).build();
      return new Pending(List.copyOf(events), entry, data.length + first.keyBytes,
          shard, map);
    }
  }
}
