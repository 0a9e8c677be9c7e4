package io.tenantlake.it.bench;

import io.tenantlake.engine.event.EventRecords;
import io.tenantlake.engine.intake.KinesisPublisher;
import io.tenantlake.engine.intake.ShardMap;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.testkit.LocalKinesis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The ceiling the ingest is measured against: the same events put with PutRecords (500 a call,
 * from the same number of producers) and read back with GetRecords by plain SDK calls, no engine,
 * on a fresh emulator. Time from the first put to the last record read.
 */
final class EmulatorCeiling {
  private EmulatorCeiling() {}

  static double eventsPerSecond(LocalKinesis kinesis, List<ChangeEvent> events, int producers) throws Exception {
    return eventsPerSecond(kinesis, events, producers, false);
  }

  /**
   * @param packed put the events as the intake does with packing on: each call's events that go to
   *     the same shard share records ({@link EventRecords}), so the emulator moves the same records
   *     the engine's run moves; the readers count the events in them
   */
  static double eventsPerSecond(LocalKinesis kinesis, List<ChangeEvent> events, int producers, boolean packed)
      throws Exception {
    KinesisClient client = kinesis.client();
    EntityTypeRegistry registry = EntityTypeRegistry.defaults();
    Map<String, List<ChangeEvent>> byStream = events.stream()
        .collect(Collectors.groupingBy(e -> registry.streamFor(e.getEntityType()).orElseThrow()));
    List<String[]> shards = new ArrayList<>();
    for (String stream : byStream.keySet()) {
      for (Shard s : client.listShards(b -> b.streamName(stream)).shards()) shards.add(new String[] {stream, s.shardId()});
    }
    ExecutorService pool = Executors.newFixedThreadPool(producers + shards.size());
    AtomicLong read = new AtomicLong();
    // Iterators at the tip, taken before the first put: only this run's records are counted.
    List<String> iterators = new ArrayList<>();
    for (String[] shard : shards) {
      iterators.add(client.getShardIterator(b -> b.streamName(shard[0]).shardId(shard[1])
          .shardIteratorType(ShardIteratorType.LATEST)).shardIterator());
    }
    long started = System.nanoTime();
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (String first : iterators) {
        tasks.add(pool.submit(() -> {
          String it = first;
          while (read.get() < events.size()) {
            String current = it;
            var resp = client.getRecords(b -> b.shardIterator(current).limit(10_000));
            for (var r : resp.records()) {
              byte[] data = r.data().asByteArrayUnsafe();
              read.addAndGet(EventRecords.isPacked(data) ? EventRecords.unpack(data).size() : 1);
            }
            it = resp.nextShardIterator();
            if (resp.records().isEmpty()) Thread.sleep(200);
          }
          return null;
        }));
      }
      List<List<ChangeEvent>> calls = new ArrayList<>();
      byStream.values().forEach(list -> {
        for (int i = 0; i < list.size(); i += 500) calls.add(list.subList(i, Math.min(list.size(), i + 500)));
      });
      Map<String, ShardMap> maps = new java.util.HashMap<>();
      for (String stream : byStream.keySet()) maps.put(stream, ShardMap.load(kinesis.asyncClient(), stream).join());
      AtomicLong next = new AtomicLong();
      for (int p = 0; p < producers; p++) {
        tasks.add(pool.submit(() -> {
          for (long c; (c = next.getAndIncrement()) < calls.size(); ) {
            List<ChangeEvent> call = calls.get((int) c);
            putAll(client, registry.streamFor(call.get(0).getEntityType()).orElseThrow(),
                packed ? packedEntries(maps.get(registry.streamFor(call.get(0).getEntityType()).orElseThrow()), call) : entries(call));
          }
          return null;
        }));
      }
      long readAtPutEnd = -1;
      double putSeconds = -1;
      for (int t = shards.size(); t < tasks.size(); t++) tasks.get(t).get();
      putSeconds = (System.nanoTime() - started) / 1e9;
      readAtPutEnd = read.get();
      for (Future<?> f : tasks) f.get();
      System.out.printf("  ceiling run: puts done in %.1f s (%,d of %,d read by then), all read after %.1f s%n",
          putSeconds, readAtPutEnd, events.size(), (System.nanoTime() - started) / 1e9);
    } finally {
      pool.shutdownNow();
    }
    return events.size() / ((System.nanoTime() - started) / 1e9);
  }

  private static List<PutRecordsRequestEntry> entries(List<ChangeEvent> events) {
    List<PutRecordsRequestEntry> out = new ArrayList<>();
    for (ChangeEvent e : events) {
      out.add(PutRecordsRequestEntry.builder().partitionKey(KinesisPublisher.partitionKey(e))
          .data(SdkBytes.fromByteArray(e.toByteArray())).build());
    }
    return out;
  }

  /** One record per shard of the call's events (the intake's packing at its defaults for these sizes). */
  private static List<PutRecordsRequestEntry> packedEntries(ShardMap map, List<ChangeEvent> events) {
    Map<String, List<ChangeEvent>> byShard = new java.util.LinkedHashMap<>();
    for (ChangeEvent e : events) {
      String shard = map.shardOf(ShardMap.hashKey(KinesisPublisher.partitionKey(e))).orElseThrow().shardId();
      byShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(e);
    }
    List<PutRecordsRequestEntry> out = new ArrayList<>();
    for (List<ChangeEvent> group : byShard.values()) {
      String key = KinesisPublisher.partitionKey(group.get(0));
      out.add(PutRecordsRequestEntry.builder().partitionKey(key).explicitHashKey(ShardMap.hashKey(key).toString())
          .data(SdkBytes.fromByteArray(EventRecords.pack(group.stream().map(ChangeEvent::toByteArray).toList()))).build());
    }
    return out;
  }

  private static void putAll(KinesisClient client, String stream, List<PutRecordsRequestEntry> entries) {
    List<PutRecordsRequestEntry> pending = entries;
    while (!pending.isEmpty()) {
      List<PutRecordsRequestEntry> batch = pending;
      var resp = client.putRecords(b -> b.streamName(stream).records(batch));
      List<PutRecordsRequestEntry> failed = new ArrayList<>();
      for (int k = 0; k < resp.records().size(); k++) {
        if (resp.records().get(k).errorCode() != null) failed.add(batch.get(k));
      }
      pending = failed;
    }
  }

}
