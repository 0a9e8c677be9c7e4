package io.tenantlake.engine.raw;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.testkit.KernelTableReader;
import io.tenantlake.engine.event.Decoded;
import io.tenantlake.engine.event.EventRecords;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.SourceRecord;
import io.tenantlake.proto.EntityTypeRegistry;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawTableWriterTest {
  @TempDir Path dir;
  final RecordDecoder decoder = new RecordDecoder(new EventValidator(EntityTypeRegistry.defaults()), null, 1 << 20);

  static SourceRecord record(String shard, long seq, byte[] data) {
    return new SourceRecord(new Origin(Lane.LIVE, "tenantlake-jira", shard, String.format("%056d", seq)), data, Instant.now());
  }

  static byte[] issue(String tenant, String id, long version) {
    return ChangeEvent.newBuilder().setEventId("ev-" + tenant + "-" + id + "-" + version).setTenantId(tenant)
        .setEntityType("jira.issue").setEntityId(id).setOp(Op.OP_UPDATED).setVersion(version)
        .setPayload(Any.pack(Issue.newBuilder().setKey(id).setSummary("s" + version).build())).build().toByteArray();
  }

  static byte[] user(String tenant, String id) {
    return ChangeEvent.newBuilder().setEventId("ev-u-" + tenant + "-" + id).setTenantId(tenant)
        .setEntityType("identity.user").setEntityId(id).setOp(Op.OP_CREATED).setVersion(1)
        .setPayload(Any.pack(User.newBuilder().setDisplayName(id).build())).build().toByteArray();
  }

  List<Decoded> decode(List<SourceRecord> records) {
    return records.stream().map(r -> decoder.decode(r).toCompletableFuture().join()).collect(Collectors.toList());
  }

  @Test
  void aReplayedBatchLandsOnceEvenAfterAPartialCommit() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    List<SourceRecord> batch = new ArrayList<>();
    long seq = 100;
    for (int i = 0; i < 20; i++) batch.add(record("shard-0", seq++, issue("t" + (i % 3), "I-" + i, 1)));
    batch.add(record("shard-0", seq++, "garbage, not protobuf".getBytes()));
    for (int i = 0; i < 5; i++) batch.add(record("shard-1", seq++, user("t1", "u" + i)));
    List<Decoded> decoded = decode(batch);

    RawTableWriter writer = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"), Runnable::run, Runnable::run);
    RawTableWriter.CycleResult first = writer.commit(decoded);
    assertThat(first.events()).isEqualTo(25);
    assertThat(first.deadLetters()).isEqualTo(1);

    // A new process (the old one crashed after committing) reads the same records again.
    RawTableWriter restarted = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"), Runnable::run, Runnable::run);
    assertThat(restarted.resumePositions())
        .containsEntry("tenantlake-jira/shard-0", String.format("%056d", 120))
        .containsEntry("tenantlake-jira/shard-1", String.format("%056d", 125));
    RawTableWriter.CycleResult replay = restarted.commit(decoded);
    assertThat(replay.events()).isZero();
    assertThat(replay.skippedAsCommitted()).isEqualTo(26);

    // Newer records after the replayed ones are appended.
    List<Decoded> more = decode(List.of(record("shard-0", 500, issue("t0", "I-0", 2))));
    assertThat(restarted.commit(more).events()).isEqualTo(1);

    KernelTableReader kernel = new KernelTableReader(Map.of());
    List<Map<String, Object>> issues = kernel.read(DeltaTable.at(storage, "raw/jira.issue").location()).rows();
    assertThat(issues).hasSize(21);
    assertThat(issues.stream().map(r -> r.get("event_id")).distinct().count()).isEqualTo(21);
    assertThat(kernel.read(DeltaTable.at(storage, "raw/identity.user").location()).rows()).hasSize(5);
    List<Map<String, Object>> dead = kernel.read(DeltaTable.at(storage, "deadletter").location()).rows();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0)).containsEntry("tenant_id", "_unknown").containsEntry("shard_id", "shard-0")
        .containsEntry("sequence_number", String.format("%056d", 120));
    assertThat((String) dead.get(0).get("reason")).startsWith("not a ChangeEvent protobuf");
    assertThat(new String((byte[]) dead.get(0).get("original"))).isEqualTo("garbage, not protobuf");
  }

  @Test
  void aPackedRecordLandsWholeItsBadEventBecomesOneDeadLetterAndAReplaySkipsIt() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    byte[] packed = EventRecords.pack(List.of(issue("t0", "P-1", 1), "not an event".getBytes(), user("t1", "pu"),
        issue("t0", "P-1", 2)));
    byte[] damaged = Arrays.copyOf(EventRecords.pack(List.of(issue("t0", "P-2", 1))), 12);
    List<Decoded> decoded = new ArrayList<>();
    decoded.addAll(decoder.decodeAll(record("shard-0", 10, packed)).toCompletableFuture().join());
    decoded.addAll(decoder.decodeAll(record("shard-0", 11, damaged)).toCompletableFuture().join());
    decoded.addAll(decoder.decodeAll(record("shard-0", 12, issue("t0", "P-3", 1))).toCompletableFuture().join());
    assertThat(decoded).hasSize(6);
    assertThat(((Decoded.Dead) decoded.get(1)).letter().reason()).contains("event 2 of 4 in the record");
    assertThat(((Decoded.Dead) decoded.get(1)).letter().original()).isEqualTo("not an event".getBytes());
    assertThat(((Decoded.Dead) decoded.get(4)).letter().reason()).startsWith("not a packed event record");

    RawTableWriter writer = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"), Runnable::run, Runnable::run);
    RawTableWriter.CycleResult first = writer.commit(decoded);
    assertThat(first.events()).isEqualTo(4);
    assertThat(first.deadLetters()).isEqualTo(2);
    RawTableWriter restarted = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"), Runnable::run, Runnable::run);
    assertThat(restarted.commit(decoded).events()).isZero();

    KernelTableReader kernel = new KernelTableReader(Map.of());
    var issues = kernel.read(DeltaTable.at(storage, "raw/jira.issue").location()).rows();
    assertThat(issues).extracting(r -> r.get("entity_id") + "@" + r.get("version") + "#" + r.get("sequence_number"))
        .containsExactlyInAnyOrder("P-1@1#" + String.format("%056d", 10), "P-1@2#" + String.format("%056d", 10),
            "P-3@1#" + String.format("%056d", 12));
    assertThat(kernel.read(DeltaTable.at(storage, "raw/identity.user").location()).rows()).hasSize(1);
    assertThat(kernel.read(DeltaTable.at(storage, "deadletter").location()).rows()).hasSize(2);
  }

  @Test
  void aPackedEventOutsideTheShardItWasReadFromIsSkippedAsAMisplacedCopy() throws Exception {
    byte[] in = issue("t0", "IN", 1);
    byte[] out = issue("t0", "OUT", 1);
    java.math.BigInteger inHash = io.tenantlake.engine.intake.ShardMap.hashKey("t0/jira.issue/IN");
    // A shard holding exactly the first event's hash key, as a child after a split might.
    var shard = new io.tenantlake.engine.event.HashRange(inHash, inHash);
    SourceRecord read = new SourceRecord(record("shard-1", 7, null).origin(), EventRecords.pack(List.of(in, out)),
        Instant.now(), null, shard);
    List<Decoded> decoded = decoder.decodeAll(read).toCompletableFuture().join();
    assertThat(decoded).hasSize(1);
    assertThat(((Decoded.Event) decoded.get(0)).event().event().getEntityId()).isEqualTo("IN");
    // Without a known range (a lane other than Kinesis) nothing is skipped.
    assertThat(decoder.decodeAll(record("shard-1", 7, EventRecords.pack(List.of(in, out)))).toCompletableFuture().join())
        .hasSize(2);
  }

  @Test
  void aTableThatCommittedBeforeACrashDropsItsRecordsWhileTheOthersCatchUp() throws Exception {
    DeltaStorage storage = DeltaStorage.local(dir);
    List<Decoded> both = decode(List.of(record("s", 1, issue("a", "1", 1)), record("s", 2, user("a", "u1")),
        record("s", 3, issue("a", "2", 1))));
    // Only the issue part reached its table before the crash: no checkpoint, user table empty.
    RawTableWriter crashed = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"), Runnable::run, Runnable::run);
    crashed.commit(both.stream().filter(d -> d instanceof Decoded.Event e
        && e.event().event().getEntityType().equals("jira.issue")).toList());
    RawTableWriter restarted = new RawTableWriter(storage, CommitPolicy.defaults(), CheckpointTable.name("live"), Runnable::run, Runnable::run);
    RawTableWriter.CycleResult r = restarted.commit(both);
    assertThat(r.committedByTable()).containsOnlyKeys("raw/identity.user");
    assertThat(r.skippedAsCommitted()).isEqualTo(2);
    assertThat(DeltaTable.at(storage, "raw/jira.issue").readAll()).hasSize(2);
    assertThat(DeltaTable.at(storage, "raw/identity.user").readAll()).hasSize(1);
  }
}
