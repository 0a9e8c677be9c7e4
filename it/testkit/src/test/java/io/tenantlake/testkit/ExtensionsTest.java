package io.tenantlake.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;

@TestMethodOrder(MethodOrderer.MethodName.class)
class ExtensionsTest {
  @RegisterExtension
  static final LocalKinesisExtension KINESIS = new LocalKinesisExtension();

  @RegisterExtension
  static final LocalS3Extension S3 = new LocalS3Extension(() -> LocalS3.builder().inMemory().start());

  @Test
  void bothServersAreUpForTheClass(LocalKinesis kinesis, LocalS3 s3) {
    assertThat(kinesis).isSameAs(KINESIS.get());
    assertThat(s3).isSameAs(S3.get());
    KINESIS.createStream("ext", 1);
    KINESIS.client().putRecord(b -> b.streamName("ext").partitionKey("p").data(SdkBytes.fromUtf8String("x")));
    S3.createBucket("ext");
    assertThat(S3.client().listBuckets().buckets()).extracting(b -> b.name()).contains("ext");
  }

  @Test
  void sameServersInTheNextTest(LocalKinesis kinesis) {
    assertThat(kinesis.client().listStreams().streamNames()).contains("ext");
  }

  @Nested
  class Inner {
    @Test
    void seesTheOuterServers(LocalKinesis kinesis) {
      assertThat(kinesis).isSameAs(KINESIS.get());
    }
  }

  @AfterAll
  static void theNestedClassDidNotStopThem() {
    assertThat(KINESIS.get().isRunning()).isTrue();
  }
}
