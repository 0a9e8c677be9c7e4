package io.tenantlake.engine.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.proto.v1.BootstrapRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad records, broken frames and vanished objects: each a problem record, and the job goes on. */
class SnapshotProblemsTest {
  static S3Harness h;
  static final SnapshotReadSettings SETTINGS = SnapshotReadSettings.defaults().withMaxRecordSize(100_000);

  static List<BootstrapRecord> recs(int from, int n) {
    return SnapshotFixtures.records("p", from, n, 0, 0);
  }

  static byte[] line(String s) {
    return (s + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @BeforeAll
  static void start() {
    h = new S3Harness("snapshot-problems-test");
    List<BootstrapRecord> r = recs(0, 10);
    h.put("bad/a.ndjson", SnapshotFixtures.concat(SnapshotFixtures.ndjson(r.subList(0, 2)), line("{not json"),
        SnapshotFixtures.ndjson(r.subList(3, 4)), line("{\"eventId\":\"x\",\"bogus\":1}"),
        new byte[] {'{', '"', (byte) 0xc3, 0x28, '"', '}', '\n'}, SnapshotFixtures.ndjson(r.subList(6, 8))));
    // a frame whose bytes are no protobuf message (wire type 7 does not exist)
    h.put("bad/b.pb", SnapshotFixtures.concat(SnapshotFixtures.delimited(r.subList(0, 1)), new byte[] {2, 0x0f, 0x01},
        SnapshotFixtures.delimited(r.subList(2, 4))));
    byte[] c = SnapshotFixtures.delimited(r.subList(0, 3));
    h.put("bad/c.pb", Arrays.copyOf(c, c.length - 20)); // ends inside record 2
    h.put("bad/d.pb.gz", SnapshotFixtures.gzip(SnapshotFixtures.delimited(r)));
    byte[] e = SnapshotFixtures.gzip(SnapshotFixtures.ndjson(SnapshotFixtures.records("p", 0, 200, 3, 2_000)));
    h.put("bad/e.ndjson.gz", Arrays.copyOf(e, e.length / 2)); // gzip cut in the middle
    h.put("bad/f.pb", SnapshotFixtures.delimited(List.of(r.get(0), SnapshotFixtures.record("p", 1, 150_000), r.get(2))));
    h.put("bad/g.jsonl", SnapshotFixtures.concat(SnapshotFixtures.ndjson(List.of(r.get(0), SnapshotFixtures.record("p", 1, 150_000),
        r.get(2)))));
    h.put("bad/h.pb", SnapshotFixtures.delimited(r.subList(0, 5)));
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  static List<SnapshotRecord> of(List<SnapshotRecord> all, int object) {
    return all.stream().filter(x -> x.objectIndex() == object).toList();
  }

  static void assertGood(SnapshotRecord got, long offset, BootstrapRecord expected) {
    assertThat(got.offset()).isEqualTo(offset);
    assertThat(got.problem()).as("%s", got).isNull();
    assertThat(got.record()).isEqualTo(expected.toByteArray());
  }

  @Test
  void everyProblemIsReportedAndTheRecordsAfterItArrive() throws Exception {
    List<BootstrapRecord> r = recs(0, 10);
    SnapshotProgress progress = new SnapshotProgress();
    List<SnapshotRecord> all = h.read(h.list("bad/"), SnapshotPosition.START, SETTINGS, h.s3Settings(), progress);

    List<SnapshotRecord> a = of(all, 0); // bad JSON, an unknown field, not UTF-8: one problem each
    assertThat(a).extracting(SnapshotRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(a).extracting(SnapshotRecord::isProblem).containsExactly(false, false, true, false, true, true, false, false);
    assertThat(a.get(2).problem().reason()).contains("invalid tenantlake.v1.BootstrapRecord JSON");
    assertThat(new String(a.get(2).problem().original(), StandardCharsets.UTF_8)).isEqualTo("{not json");
    assertThat(a.get(4).problem().reason()).contains("bogus");
    assertThat(a.get(5).problem().reason()).isEqualTo("line is not UTF-8");
    assertGood(a.get(7), 7, r.get(7));

    List<SnapshotRecord> b = of(all, 1); // a frame of garbage between good ones
    assertThat(b).extracting(SnapshotRecord::isProblem).containsExactly(false, true, false, false);
    assertThat(b.get(1).problem().reason()).startsWith("not a BootstrapRecord");
    assertThat(b.get(1).problem().original()).containsExactly(0x0f, 0x01);
    assertGood(b.get(3), 3, r.get(3));

    List<SnapshotRecord> c = of(all, 2); // truncated: two records, then one problem
    assertThat(c).hasSize(3);
    assertGood(c.get(1), 1, r.get(1));
    assertThat(c.get(2).problem().reason()).contains("truncated");

    List<SnapshotRecord> d = of(all, 3); // read as usual after the truncated object
    assertThat(d).hasSize(10).noneMatch(SnapshotRecord::isProblem);

    List<SnapshotRecord> e = of(all, 4); // gzip cut: the records before the cut, then one problem
    assertThat(e.size()).isBetween(2, 199);
    assertThat(e.subList(0, e.size() - 1)).noneMatch(SnapshotRecord::isProblem);
    List<BootstrapRecord> eExpected = SnapshotFixtures.records("p", 0, 200, 3, 2_000);
    for (int i = 0; i < e.size() - 1; i++) assertGood(e.get(i), i, eExpected.get(i));
    assertThat(e.get(e.size() - 1).problem().reason()).contains("gzip");
    assertThat(e.get(e.size() - 1).offset()).isEqualTo(e.size() - 1);

    List<SnapshotRecord> f = of(all, 5); // a length over the maximum ends the object
    assertThat(f).hasSize(2);
    assertThat(f.get(1).problem().reason()).contains("over the maximum of 100000");
    // the bytes buffered when the length was read, capped
    assertThat(f.get(1).problem().original().length).isBetween(10, SnapshotRecord.MAX_PROBLEM_BYTES);

    List<SnapshotRecord> g = of(all, 6); // an overlong line is skipped, the next line is read
    assertThat(g).extracting(SnapshotRecord::isProblem).containsExactly(false, true, false);
    assertGood(g.get(2), 2, r.get(2));

    assertThat(of(all, 7)).hasSize(5).noneMatch(SnapshotRecord::isProblem);
    assertThat(progress.problems()).isEqualTo(8);
    assertThat(progress.recordsEmitted()).isEqualTo(all.size() - 8);
    assertThat(progress.objectsCompleted()).isEqualTo(8);
  }

  @Test
  void resumingPastAProblemDoesNotReportItAgain() throws Exception {
    List<SnapshotRecord> c = h.read(h.list("bad/"), new SnapshotPosition(2, 3), SETTINGS);
    assertThat(c.get(0).position()).isEqualTo(new SnapshotPosition(3, 0));
  }

  @Test
  void anObjectDeletedSinceTheListingIsOneProblemNamingIt() throws Exception {
    for (String k : List.of("gone/a.pb", "gone/b.pb", "gone/c.ndjson")) {
      h.put(k, k.endsWith(".pb") ? SnapshotFixtures.delimited(recs(0, 3)) : SnapshotFixtures.ndjson(recs(0, 3)));
    }
    SnapshotListing listing = h.list("gone/");
    h.s3.client().deleteObject(x -> x.bucket(h.bucket).key("gone/b.pb"));
    List<SnapshotRecord> all = h.read(listing, SnapshotPosition.START, SETTINGS);
    assertThat(all).extracting(SnapshotRecord::position).extracting(Object::toString)
        .containsExactly("0:0", "0:1", "0:2", "1:0", "2:0", "2:1", "2:2");
    assertThat(all.get(3).problem().reason()).contains("s3://snapshot-problems-test/gone/b.pb").contains("404");
    // resuming inside the vanished object reports it at the resume offset
    List<SnapshotRecord> resumed = h.read(listing, new SnapshotPosition(1, 2), SETTINGS);
    assertThat(resumed.get(0).position()).isEqualTo(new SnapshotPosition(1, 2));
    assertThat(resumed.get(0).isProblem()).isTrue();
    assertThat(resumed).hasSize(4);
  }
}
