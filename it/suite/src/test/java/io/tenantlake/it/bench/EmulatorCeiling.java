package io.tenantlake.it.bench;

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
            read.addAndGet(resp.records().size());
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
      AtomicLong next = new AtomicLong();
      for (int p = 0; p < producers; p++) {
        tasks.add(pool.submit(() -> {
          for (long c; (c = next.getAndIncrement()) < calls.size(); ) putAll(client, registry, calls.get((int) c));
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

  private static void putAll(KinesisClient client, EntityTypeRegistry registry, List<ChangeEvent> events) {
    String stream = registry.streamFor(events.get(0).getEntityType()).orElseThrow();
    List<PutRecordsRequestEntry> pending = new ArrayList<>();
    for (ChangeEvent e : events) {
      pending.add(PutRecordsRequestEntry.builder().partitionKey(e.getTenantId() + "/" + e.getEntityType() + "/" + e.getEntityId())
          .data(SdkBytes.fromByteArray(e.toByteArray())).build());
    }
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
