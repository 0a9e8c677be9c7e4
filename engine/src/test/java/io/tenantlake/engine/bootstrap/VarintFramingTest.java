package io.tenantlake.engine.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.proto.v1.BootstrapRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipException;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The varint framing stage alone: records and lengths split anywhere, and broken frames. */
class VarintFramingTest {
  static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("varint-framing-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  static List<Frame> frame(int max, List<ByteString> chunks) throws Exception {
    return Source.from(chunks).via(VarintFraming.flow(max)).runWith(Sink.seq(), system)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static List<Frame> frame(int max, byte[]... chunks) throws Exception {
    return frame(max, Arrays.stream(chunks).map(ByteString::fromArray).toList());
  }

  /** Sizes chosen for 1-, 2- and 3-byte varints, and an empty record. */
  static List<byte[]> messages() {
    List<byte[]> out = new ArrayList<>();
    out.add(new byte[0]);
    out.add(SnapshotFixtures.record("v", 1, 0).toByteArray());
    out.add(SnapshotFixtures.record("v", 2, 130).toByteArray());
    out.add(SnapshotFixtures.record("v", 3, 300).toByteArray());
    out.add(SnapshotFixtures.record("v", 4, 0).toByteArray());
    out.add(SnapshotFixtures.record("v", 5, 17_000).toByteArray());
    out.add(SnapshotFixtures.record("v", 6, 0).toByteArray());
    return out;
  }

  static byte[] delimited(List<byte[]> messages) throws Exception {
    List<BootstrapRecord> records = new ArrayList<>();
    for (byte[] m : messages) records.add(BootstrapRecord.parseFrom(m));
    return SnapshotFixtures.delimited(records);
  }

  static void assertFrames(List<Frame> frames, List<byte[]> expected) {
    assertThat(frames).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(frames.get(i).problem()).as("frame %d", i).isNull();
      assertThat(frames.get(i).data().toArray()).as("frame %d", i).isEqualTo(expected.get(i));
    }
  }

  @Test
  void framesRightWhereverTheBytesAreSplit() throws Exception {
    List<byte[]> expected = messages();
    byte[] all = delimited(expected);
    assertThat(all.length).isGreaterThan(17_000);
    for (int cut = 0; cut <= all.length; cut++) {
      List<Frame> frames = frame(1 << 20, Arrays.copyOfRange(all, 0, cut), Arrays.copyOfRange(all, cut, all.length));
      assertFrames(frames, expected);
    }
  }

  @Test
  void framesRightFromOneByteChunksAndFromThreeWaySplits() throws Exception {
    List<byte[]> expected = messages().subList(0, 5); // small ones: every 3-way split stays quick
    byte[] all = delimited(expected);
    List<ByteString> single = new ArrayList<>();
    for (byte b : all) single.add(ByteString.fromArray(new byte[] {b}));
    assertFrames(frame(1 << 20, single), expected);
    for (int a = 0; a <= all.length; a += 11) {
      for (int b = a; b <= all.length; b++) {
        assertFrames(frame(1 << 20, Arrays.copyOfRange(all, 0, a), Arrays.copyOfRange(all, a, b),
            Arrays.copyOfRange(all, b, all.length)), expected);
      }
    }
  }

  @Test
  void anObjectEndingInsideARecordGivesOneLastProblem() throws Exception {
    List<byte[]> expected = messages().subList(0, 4);
    byte[] all = delimited(expected);
    byte[] truncated = Arrays.copyOf(all, all.length - 10);
    List<Frame> frames = frame(1 << 20, truncated);
    assertFrames(frames.subList(0, 3), expected.subList(0, 3));
    assertThat(frames).hasSize(4);
    assertThat(frames.get(3).problem()).contains("truncated");
    assertThat(frames.get(3).last()).isTrue();
    // ending inside the length itself (a 2-byte varint cut after its first byte)
    byte[] header = {(byte) 0x96};
    assertThat(frame(1 << 20, header)).singleElement().satisfies(f -> assertThat(f.problem()).contains("truncated"));
  }

  @Test
  void aLengthOverTheMaximumOrABadVarintEndsTheObject() throws Exception {
    byte[] small = delimited(messages().subList(1, 2));
    byte[] big = delimited(List.of(SnapshotFixtures.record("v", 9, 5_000).toByteArray()));
    List<Frame> frames = frame(1_000, SnapshotFixtures.concat(small, big, small));
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).problem()).isNull();
    assertThat(frames.get(1).problem()).contains("over the maximum of 1000");
    assertThat(frames.get(1).data().toArray()).startsWith(Arrays.copyOf(big, 10));

    byte[] badVarint = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    frames = frame(Integer.MAX_VALUE, SnapshotFixtures.concat(small, badVarint, small));
    assertThat(frames).hasSize(2);
    assertThat(frames.get(1).problem()).contains("not a varint");
  }

  @Test
  void aDataErrorUpstreamComesAfterTheRecordsAlreadyBuffered() throws Exception {
    List<byte[]> expected = messages().subList(0, 5);
    byte[] all = delimited(expected);
    byte[] partial = Arrays.copyOf(all, all.length - 3);
    ByteString poison = ByteString.fromString("poison");
    // (not concat(Source.failed): concat fails at once when its second input fails)
    List<Frame> frames = Source.from(List.of(ByteString.fromArray(partial), poison))
        .map(b -> {
          if (b == poison) throw new ZipException("Truncated GZIP stream");
          return b;
        })
        .via(VarintFraming.flow(1 << 20)).runWith(Sink.seq(), system).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertFrames(frames.subList(0, 4), expected.subList(0, 4));
    assertThat(frames).hasSize(5);
    assertThat(frames.get(4).problem()).contains("gzip").contains("Truncated GZIP stream");
  }
}
