package io.tenantlake.engine.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenantlake.proto.v1.BootstrapRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A snapshot mixing every format, read back from S3Proxy completely, in order, and resumed. */
class SnapshotSourceTest {
  static S3Harness h;
  /** What each object holds, in listing order. */
  static final List<List<BootstrapRecord>> CONTENT = new ArrayList<>();
  static final List<Long> SIZES = new ArrayList<>();

  @BeforeAll
  static void start() {
    h = new S3Harness("snapshot-source-test");
    CONTENT.add(SnapshotFixtures.records("s", 0, 800, 0, 0));
    CONTENT.add(SnapshotFixtures.records("s", 800, 800, 0, 0));
    CONTENT.add(SnapshotFixtures.records("s", 1600, 800, 0, 0));
    CONTENT.add(SnapshotFixtures.records("s", 2400, 800, 0, 0));
    // every 10th record over 64 KiB: records span the chunks of the download and of gunzip
    CONTENT.add(SnapshotFixtures.records("s", 3200, 200, 10, 70_000));
    CONTENT.add(SnapshotFixtures.records("s", 3400, 200, 10, 70_000));
    put("snap/part-000.pb", SnapshotFixtures.delimited(CONTENT.get(0)));
    put("snap/part-001.pb.gz", SnapshotFixtures.gzip(SnapshotFixtures.delimited(CONTENT.get(1))));
    put("snap/part-002.ndjson", SnapshotFixtures.ndjson(CONTENT.get(2)));
    put("snap/part-003.ndjson.gz", SnapshotFixtures.gzip(SnapshotFixtures.ndjson(CONTENT.get(3))));
    put("snap/part-004.binpb", SnapshotFixtures.delimited(CONTENT.get(4)));
    put("snap/part-005.jsonl.gz", SnapshotFixtures.gzip(SnapshotFixtures.ndjson(CONTENT.get(5))));
    h.put("snap/_SUCCESS", new byte[0]);
    h.put("snap/manifest.json", "{}".getBytes());
    h.put("snap-other/part-000.pb", SnapshotFixtures.delimited(CONTENT.get(0))); // same prefix, other folder
  }

  static void put(String key, byte[] bytes) {
    h.put(key, bytes);
    SIZES.add((long) bytes.length);
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  @Test
  void listsDataObjectsInKeyOrderAndSkipsTheRest() throws Exception {
    SnapshotListing listing = h.list("snap");
    assertThat(listing.objects()).extracting(SnapshotObject::key).containsExactly("snap/part-000.pb",
        "snap/part-001.pb.gz", "snap/part-002.ndjson", "snap/part-003.ndjson.gz", "snap/part-004.binpb",
        "snap/part-005.jsonl.gz");
    assertThat(listing.objects()).extracting(SnapshotObject::index).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(listing.objects()).extracting(SnapshotObject::format).containsExactly(SnapshotObject.Format.PROTOBUF,
        SnapshotObject.Format.PROTOBUF, SnapshotObject.Format.NDJSON, SnapshotObject.Format.NDJSON,
        SnapshotObject.Format.PROTOBUF, SnapshotObject.Format.NDJSON);
    assertThat(listing.objects()).extracting(SnapshotObject::gzip).containsExactly(false, true, false, true, false, true);
    assertThat(listing.objects()).extracting(SnapshotObject::size).containsExactlyElementsOf(SIZES);
    assertThat(listing.skippedKeys()).containsExactly("snap/_SUCCESS", "snap/manifest.json");
  }

  @Test
  void readsEveryRecordInOrderByteForByte() throws Exception {
    SnapshotListing listing = h.list("snap/");
    SnapshotProgress progress = new SnapshotProgress();
    List<SnapshotRecord> got = h.read(listing, SnapshotPosition.START, SnapshotReadSettings.defaults(), h.s3Settings(), progress);
    assertMatches(got, listing, 0, 0);
    assertThat(got).hasSize(3600);
    assertThat(progress.recordsEmitted()).isEqualTo(3600);
    assertThat(progress.problems()).isZero();
    assertThat(progress.objectsCompleted()).isEqualTo(6);
    assertThat(progress.bytesRead()).isEqualTo(listing.totalBytes());
    assertThat(progress.retries()).isZero();
  }

  @Test
  void resumesAtAnObjectAndOffsetWithExactlyTheTail() throws Exception {
    SnapshotListing listing = h.list("snap/");
    List<SnapshotRecord> got = h.read(listing, new SnapshotPosition(2, 100), SnapshotReadSettings.defaults());
    assertThat(got.get(0).position()).isEqualTo(new SnapshotPosition(2, 100));
    assertThat(got).hasSize(3600 - 1600 - 100);
    assertMatches(got, listing, 2, 100);

    // resuming inside a gzip object, after a record over 64 KiB
    got = h.read(listing, new SnapshotPosition(5, 11), SnapshotReadSettings.defaults());
    assertThat(got).hasSize(200 - 11);
    assertMatches(got, listing, 5, 11);

    assertThat(h.read(listing, new SnapshotPosition(6, 0), SnapshotReadSettings.defaults())).isEmpty();
    assertThat(h.read(listing, new SnapshotPosition(1, 5_000), SnapshotReadSettings.defaults()))
        .hasSize(4 * 800 - 1600 + 400).first().satisfies(r -> assertThat(r.position()).isEqualTo(new SnapshotPosition(2, 0)));
    assertThatThrownBy(() -> SnapshotSource.create(listing, new SnapshotPosition(7, 0), h.s3Settings(),
        SnapshotReadSettings.defaults(), SnapshotFixtures.JSON, new SnapshotProgress()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("past the 6 objects");
  }

  @Test
  void aRecordKnowsItsObjectAndResumePosition() throws Exception {
    SnapshotListing listing = h.list("snap/");
    SnapshotRecord r = h.read(listing, new SnapshotPosition(3, 7), SnapshotReadSettings.defaults()).get(0);
    assertThat(r.key()).isEqualTo("snap/part-003.ndjson.gz");
    assertThat(r.next()).isEqualTo(new SnapshotPosition(3, 8));
    assertThat(BootstrapRecord.parseFrom(r.record()).getEventId()).isEqualTo("s-2407");
  }

  /** Records from (object, offset) on, compared with what was written. */
  static void assertMatches(List<SnapshotRecord> got, SnapshotListing listing, int object, long offset) {
    int i = 0;
    for (int o = object; o < CONTENT.size(); o++) {
      List<BootstrapRecord> records = CONTENT.get(o);
      for (long n = o == object ? offset : 0; n < records.size(); n++, i++) {
        SnapshotRecord r = got.get(i);
        assertThat(r.problem()).as("record %d:%d", o, n).isNull();
        assertThat(r.objectIndex()).isEqualTo(o);
        assertThat(r.key()).isEqualTo(listing.objects().get(o).key());
        assertThat(r.offset()).isEqualTo(n);
        assertThat(r.record()).as("bytes of %d:%d", o, n).isEqualTo(records.get((int) n).toByteArray());
      }
    }
    assertThat(got).hasSize(i);
  }
}
