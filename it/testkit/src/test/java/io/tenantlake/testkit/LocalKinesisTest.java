package io.tenantlake.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

class LocalKinesisTest {
  private static LocalKinesis kinesis;

  @BeforeAll
  static void start() {
    kinesis = LocalKinesis.start();
  }

  @AfterAll
  static void stop() {
    kinesis.close();
  }

  @Test
  void putsAndReadsBackAThousandRecords() {
    kinesis.createStream("thousand", 2);
    KinesisClient client = kinesis.client();

    Set<String> sent = new HashSet<>();
    for (int batch = 0; batch < 2; batch++) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        String data = "record-" + (batch * 500 + i);
        sent.add(data);
        entries.add(PutRecordsRequestEntry.builder()
            .partitionKey("tenant-" + (i % 37))
            .data(SdkBytes.fromString(data, StandardCharsets.UTF_8))
            .build());
      }
      PutRecordsResponse put = client.putRecords(b -> b.streamName("thousand").records(entries));
      assertThat(put.failedRecordCount()).isZero();
    }

    List<Shard> shards = client.listShards(b -> b.streamName("thousand")).shards();
    assertThat(shards).hasSize(2);
    List<String> received = new ArrayList<>();
    for (Shard shard : shards) {
      String iterator = client.getShardIterator(b -> b.streamName("thousand").shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      while (iterator != null) {
        String it = iterator;
        GetRecordsResponse got = client.getRecords(b -> b.shardIterator(it).limit(300));
        for (Record r : got.records()) {
          received.add(r.data().asUtf8String());
        }
        if (got.records().isEmpty()) {
          break; // caught up: an open shard always hands out a next iterator
        }
        iterator = got.nextShardIterator();
      }
    }
    assertThat(received).hasSize(1000);
    assertThat(new HashSet<>(received)).isEqualTo(sent);
  }

  @Test
  void listensOnLoopbackOnly() throws Exception {
    int port = kinesis.port();
    assertThat(kinesis.endpoint().toString()).isEqualTo("http://127.0.0.1:" + port);
    assertThat(Loopback.accepts("127.0.0.1", port)).isTrue();
    // a socket bound to every interface would accept on 127.0.0.2 as well; ours must not
    assertThat(Loopback.accepts("127.0.0.2", port)).isFalse();
    assertThat(Loopback.listeningAddresses(port)).containsExactly("0100007F");
  }

  @Test
  void closeStopsTheNodeProcess() {
    LocalKinesis other = LocalKinesis.start();
    long pid = other.pid();
    int port = other.port();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().command())).hasValueSatisfying(
        c -> assertThat(Path.of(c).getFileName().toString()).startsWith("node"));

    other.close();

    Optional<ProcessHandle> after = ProcessHandle.of(pid);
    assertThat(after.map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(other.isRunning()).isFalse();
    assertThat(Loopback.accepts("127.0.0.1", port)).isFalse();
    other.close(); // idempotent
  }

  @Test
  void keepsStreamsInItsDataDirAcrossRestarts(@TempDir Path dir) {
    try (LocalKinesis first = LocalKinesis.builder().dataDir(dir.resolve("db")).start()) {
      first.createStream("kept", 1);
      first.client().putRecord(b -> b.streamName("kept").partitionKey("k")
          .data(SdkBytes.fromUtf8String("survives")));
    }
    try (LocalKinesis second = LocalKinesis.builder().dataDir(dir.resolve("db")).start()) {
      KinesisClient client = second.client();
      assertThat(client.listStreams().streamNames()).contains("kept");
      String shard = client.listShards(b -> b.streamName("kept")).shards().get(0).shardId();
      String it = client.getShardIterator(b -> b.streamName("kept").shardId(shard)
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      assertThat(client.getRecords(b -> b.shardIterator(it)).records())
          .extracting(r -> r.data().asUtf8String()).containsExactly("survives");
    }
  }

  @Test
  void asyncClientWorksToo() throws Exception {
    kinesis.createStream("async", 1);
    var described = kinesis.asyncClient().describeStreamSummary(b -> b.streamName("async"))
        .get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(described.streamDescriptionSummary().openShardCount()).isEqualTo(1);
    kinesis.deleteStream("async");
    assertThat(kinesis.client().listStreams().streamNames()).doesNotContain("async");
  }
}
