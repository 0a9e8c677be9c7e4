package io.tenantlake.engine.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenantlake.engine.aws.AwsSettings;
import io.tenantlake.proto.v1.BootstrapRecord;
import io.tenantlake.testkit.LocalS3;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.stream.connectors.s3.S3Exception;
import org.apache.pekko.stream.connectors.s3.S3Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Connections dropped in mid-object: the object is re-opened and nothing is repeated or lost. */
class SnapshotRetryTest {
  static S3Harness h;
  static FlakyProxy proxy;
  static S3Settings throughProxy;
  static final List<List<BootstrapRecord>> CONTENT = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    h = new S3Harness("snapshot-retry-test");
    proxy = new FlakyProxy(h.s3.endpoint());
    throughProxy = SnapshotSource.s3Settings(h.system, S3Harness.awsSettings(proxy.endpoint()));
    CONTENT.add(SnapshotFixtures.records("r", 0, 3_000, 50, 3_000)); // about 1 MB
    CONTENT.add(SnapshotFixtures.records("r", 3_000, 3_000, 50, 3_000));
    CONTENT.add(SnapshotFixtures.records("r", 6_000, 500, 0, 0));
    h.put("retry/a.pb", SnapshotFixtures.delimited(CONTENT.get(0)));
    h.put("retry/b.ndjson.gz", SnapshotFixtures.gzip(SnapshotFixtures.ndjson(CONTENT.get(1))));
    h.put("retry/c.pb", SnapshotFixtures.delimited(CONTENT.get(2)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) proxy.close();
    if (h != null) h.close();
  }

  static List<BootstrapRecord> all() {
    return CONTENT.stream().flatMap(List::stream).toList();
  }

  @Test
  void droppedConnectionsAreRetriedFromTheRecordReached() throws Exception {
    SnapshotListing listing = h.list("retry/");
    SnapshotProgress progress = new SnapshotProgress();
    // reset the connection of three responses, 300 KB after each arming (pekko-http reads ahead)
    proxy.arm(300_000, 3);
    List<SnapshotRecord> got = h.read(listing, SnapshotPosition.START, S3Harness.fastRetries(), throughProxy, progress);
    assertThat(proxy.cuts()).isEqualTo(3);
    assertThat(progress.retries()).isEqualTo(3);
    // A re-open starts at the record reached: a partial record is read again, unless the cut fell
    // on a record boundary (then nothing is).
    assertThat(progress.bytesRead()).isGreaterThanOrEqualTo(listing.totalBytes());
    assertThat(got).noneMatch(SnapshotRecord::isProblem);
    List<BootstrapRecord> expected = all();
    assertThat(got).hasSize(expected.size());
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i).record()).as("record %d (%s)", i, got.get(i)).isEqualTo(expected.get(i).toByteArray());
    }
    assertThat(got).extracting(SnapshotRecord::offset).startsWith(0L, 1L, 2L).contains(2_999L, 499L);
  }

  @Test
  void theReadFailsWhenRetriesRunOut() throws Exception {
    SnapshotListing listing = h.list("retry/");
    proxy.arm(100_000, 1_000);
    try {
      SnapshotReadSettings twoRetries = S3Harness.fastRetries().withBackoff(Duration.ofMillis(20), Duration.ofMillis(50), 2);
      assertThatThrownBy(() -> h.read(listing, SnapshotPosition.START, twoRetries, throughProxy, new SnapshotProgress()))
          .isInstanceOf(ExecutionException.class);
    } finally {
      proxy.arm(Long.MAX_VALUE, 0);
    }
  }

  @Test
  void wrongCredentialsFailTheReadInsteadOfSkippingObjects() throws Exception {
    SnapshotListing listing = h.list("retry/");
    AwsSettings wrong = new AwsSettings(LocalS3.REGION, Optional.empty(), Optional.of(h.s3.endpoint()),
        Optional.of(LocalS3.ACCESS_KEY), Optional.of("not-the-secret"));
    SnapshotProgress progress = new SnapshotProgress();
    assertThatThrownBy(() -> h.read(listing, SnapshotPosition.START, S3Harness.fastRetries(),
        SnapshotSource.s3Settings(h.system, wrong), progress))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(S3Exception.class);
    assertThat(progress.retries()).isZero();
    assertThat(progress.problems()).isZero();
  }
}
