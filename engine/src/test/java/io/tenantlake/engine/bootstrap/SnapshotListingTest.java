package io.tenantlake.engine.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/** Snapshot URIs, and listings over many pages. */
class SnapshotListingTest {
  static S3Harness h;

  @BeforeAll
  static void start() {
    h = new S3Harness("snapshot-listing-test");
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  @Test
  void listsEveryPageInKeyOrder() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 1_050; i++) keys.add(String.format("paged/part-%05d.pb%s", i, i % 3 == 0 ? ".gz" : ""));
    keys.add("paged/_SUCCESS");
    keys.add("paged/sub/");
    keys.add("paged/sub/x.jsonl");
    List<String> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled);
    shuffled.parallelStream().forEach(k -> h.put(k, new byte[] {0}));

    AtomicInteger listCalls = new AtomicInteger();
    try (S3AsyncClient counting = h.s3.asyncClientBuilder()
        .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
          @Override
          public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof ListObjectsV2Request) listCalls.incrementAndGet();
          }
        })).build()) {
      SnapshotListing listing = SnapshotListing.list(counting, h.uri("paged"), 100)
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(listCalls.get()).isEqualTo(11); // 1,053 keys, 100 a page
      assertThat(listing.objects()).hasSize(1_051);
      assertThat(listing.objects().get(0).key()).isEqualTo("paged/part-00000.pb.gz");
      assertThat(listing.objects().get(1_049).key()).isEqualTo("paged/part-01049.pb");
      assertThat(listing.objects().get(1_050).key()).isEqualTo("paged/sub/x.jsonl");
      for (int i = 0; i < listing.objects().size(); i++) assertThat(listing.objects().get(i).index()).isEqualTo(i);
      assertThat(listing.skippedKeys()).containsExactly("paged/_SUCCESS", "paged/sub/");
    }
    // and with S3's own page size, through the engine's client
    assertThat(h.list("paged/").objects()).hasSize(1_051);
  }

  @Test
  void anEmptyPrefixListsNothing() throws Exception {
    assertThat(h.list("nothing-here/").objects()).isEmpty();
  }

  @Test
  void parsesSnapshotUris() {
    assertThat(SnapshotUri.parse("s3://my-bucket/snapshots/2026-11-01")).isEqualTo(new SnapshotUri("my-bucket", "snapshots/2026-11-01/"));
    assertThat(SnapshotUri.parse("s3://my-bucket/snapshots/2026-11-01/").prefix()).isEqualTo("snapshots/2026-11-01/");
    assertThat(SnapshotUri.parse("s3://my.bucket").prefix()).isEmpty();
    assertThat(SnapshotUri.parse("s3://my.bucket/").prefix()).isEmpty();
    assertThat(SnapshotUri.parse(" S3://abc/x y/ü ").toString()).isEqualTo("s3://abc/x y/ü/");
  }

  @Test
  void rejectsBadSnapshotUrisWithAClearMessage() {
    assertBad("", "empty");
    assertBad("my-bucket/prefix", "no scheme");
    assertBad("s3a://my-bucket/prefix", "has scheme s3a, expected s3://bucket/prefix");
    assertBad("https://my-bucket/prefix", "has scheme https");
    assertBad("s3:///prefix", "empty bucket name");
    assertBad("s3://My_Bucket/prefix", "bad character 'M'");
    assertBad("s3://ab/prefix", "3 to 63 characters");
    assertBad("s3://-bucket/prefix", "start and end with a letter or digit");
    assertBad("s3://a..b/prefix", "two dots");
    assertBad("s3://bucket//prefix", "starts with '/'");
    assertBad("s3://bucket/a/../b", "'..' segment");
    assertBad("s3://bucket/a\tb", "control character");
  }

  static void assertBad(String uri, String message) {
    assertThatThrownBy(() -> SnapshotUri.parse(uri)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }
}
