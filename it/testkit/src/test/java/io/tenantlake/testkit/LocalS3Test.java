package io.tenantlake.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

class LocalS3Test {
  @RegisterExtension
  static final LocalS3Extension S3 = new LocalS3Extension();

  @Test
  void putsGetsAndListsObjects() {
    S3.createBucket("lake");
    S3.createBucket("lake"); // idempotent
    S3Client s3 = S3.client();
    s3.putObject(b -> b.bucket("lake").key("raw/jira.issue/tenant_id=t1/a.txt"), RequestBody.fromString("alpha"));
    s3.putObject(b -> b.bucket("lake").key("raw/jira.issue/tenant_id=t2/b.txt"), RequestBody.fromString("beta"));

    assertThat(s3.getObjectAsBytes(b -> b.bucket("lake").key("raw/jira.issue/tenant_id=t1/a.txt")).asUtf8String())
        .isEqualTo("alpha");
    assertThat(s3.listObjectsV2(b -> b.bucket("lake").prefix("raw/jira.issue/")).contents())
        .extracting(S3Object::key)
        .containsExactly("raw/jira.issue/tenant_id=t1/a.txt", "raw/jira.issue/tenant_id=t2/b.txt");
    assertThat(s3.listObjectsV2(b -> b.bucket("lake").prefix("raw/").delimiter("/")).commonPrefixes())
        .extracting(p -> p.prefix()).containsExactly("raw/jira.issue/");
    // the filesystem backend keeps buckets as folders under its data dir
    assertThat(S3.get().dataDir().resolve("lake")).isDirectory();
  }

  @Test
  void multipartUploadOfSixMebibytes() throws Exception {
    S3.createBucket("big");
    S3Client s3 = S3.client();
    byte[] data = new byte[6 * 1024 * 1024];
    new Random(42).nextBytes(data);
    int partSize = 5 * 1024 * 1024;

    String uploadId = s3.createMultipartUpload(b -> b.bucket("big").key("six.bin")).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    for (int part = 1, offset = 0; offset < data.length; part++, offset += partSize) {
      int len = Math.min(partSize, data.length - offset);
      int n = part;
      String etag = s3.uploadPart(b -> b.bucket("big").key("six.bin").uploadId(uploadId).partNumber(n),
          RequestBody.fromBytes(java.util.Arrays.copyOfRange(data, offset, offset + len))).eTag();
      parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
    }
    assertThat(parts).hasSize(2);
    s3.completeMultipartUpload(b -> b.bucket("big").key("six.bin").uploadId(uploadId)
        .multipartUpload(m -> m.parts(parts)));

    ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket("big").key("six.bin"));
    assertThat(got.response().contentLength()).isEqualTo(data.length);
    assertThat(sha256(got.asByteArray())).isEqualTo(sha256(data));
    assertThat(s3.headObject(b -> b.bucket("big").key("six.bin")).contentLength()).isEqualTo(data.length);
  }

  @Test
  void rangedReadAndDelete() {
    S3.createBucket("ranges");
    S3Client s3 = S3.client();
    s3.putObject(b -> b.bucket("ranges").key("k"), RequestBody.fromString("0123456789"));
    assertThat(s3.getObjectAsBytes(b -> b.bucket("ranges").key("k").range("bytes=2-4")).asUtf8String())
        .isEqualTo("234");
    s3.deleteObject(b -> b.bucket("ranges").key("k"));
    assertThat(s3.listObjectsV2(b -> b.bucket("ranges")).contents()).isEmpty();
  }

  @Test
  void listensOnLoopbackOnly() throws Exception {
    int port = S3.get().port();
    assertThat(S3.endpoint().toString()).isEqualTo("http://127.0.0.1:" + port);
    assertThat(Loopback.accepts("127.0.0.1", port)).isTrue();
    assertThat(Loopback.accepts("127.0.0.2", port)).isFalse();
    assertThat(Loopback.listeningAddresses(port)).containsOnly("0100007F");
  }

  @Test
  void wrongSecretIsRejected() {
    S3.createBucket("private");
    try (S3Client wrong = S3.get().clientBuilder()
        .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
            LocalS3.ACCESS_KEY, "not-the-secret"))
        .build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> wrong.listObjectsV2(b -> b.bucket("private")))
          .hasMessageContaining("403");
    }
  }

  @Test
  void inMemoryAndTemporaryDirsAreCleanedUp() {
    Path dir;
    try (LocalS3 tmp = LocalS3.start()) {
      dir = tmp.dataDir();
      tmp.createBucket("xyz");
      assertThat(dir.resolve("xyz")).isDirectory();
    }
    assertThat(Files.exists(dir)).isFalse();
    try (LocalS3 mem = LocalS3.builder().inMemory().start()) {
      mem.createBucket("mem");
      mem.client().putObject(b -> b.bucket("mem").key("k"), RequestBody.fromString("v"));
      assertThat(mem.client().getObjectAsBytes(b -> b.bucket("mem").key("k")).asUtf8String()).isEqualTo("v");
      assertThat(mem.dataDir()).isNull();
    }
  }

  @Test
  void s3aSettingsPointAtTheServer() {
    assertThat(S3.s3aSettings())
        .containsEntry("fs.s3a.endpoint", S3.endpoint().toString())
        .containsEntry("fs.s3a.path.style.access", "true")
        .containsEntry("fs.s3a.access.key", LocalS3.ACCESS_KEY)
        .containsEntry("fs.s3a.secret.key", LocalS3.SECRET_KEY)
        .containsEntry("fs.s3a.connection.ssl.enabled", "false")
        .containsEntry("fs.s3a.endpoint.region", "us-east-1")
        .containsEntry("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    assertThat(LocalS3.s3aUri("lake", "/raw/t")).isEqualTo("s3a://lake/raw/t");
  }

  private static String sha256(byte[] b) throws Exception {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
