package io.tenantlake.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hadoop's S3A file system (what Delta tables on s3a:// go through) against LocalS3, configured by s3aSettings() alone. */
class S3aOnLocalS3Test {
  @RegisterExtension
  static final LocalS3Extension S3 = new LocalS3Extension();

  @Test
  void writesListsReadsRenamesAndDeletesThroughS3a() throws Exception {
    S3.createBucket("lake");
    Configuration conf = new Configuration();
    for (Map.Entry<String, String> e : S3.s3aSettings().entrySet()) {
      conf.set(e.getKey(), e.getValue());
    }
    conf.setBoolean("fs.s3a.impl.disable.cache", true);
    try (FileSystem fs = FileSystem.get(URI.create("s3a://lake/"), conf)) {
      Path log = new Path(LocalS3.s3aUri("lake", "refined/issues/_delta_log/00000000000000000000.json"));
      try (FSDataOutputStream out = fs.create(log, false)) {
        out.write("{\"commitInfo\":{}}\n".getBytes(StandardCharsets.UTF_8));
      }
      byte[] big = new byte[7 * 1024 * 1024]; // over S3A's multipart threshold? not by default; still a big PUT
      Arrays.fill(big, (byte) 7);
      Path data = new Path("s3a://lake/refined/issues/tenant_id=t1/part-0.parquet");
      try (FSDataOutputStream out = fs.create(data, true)) {
        out.write(big);
      }

      FileStatus[] logFiles = fs.listStatus(new Path("s3a://lake/refined/issues/_delta_log"));
      assertThat(logFiles).extracting(s -> s.getPath().getName()).containsExactly("00000000000000000000.json");
      assertThat(fs.getFileStatus(data).getLen()).isEqualTo(big.length);
      try (FSDataInputStream in = fs.open(log)) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"commitInfo\":{}}\n");
      }
      try (FSDataInputStream in = fs.open(data)) {
        in.seek(big.length - 3);
        assertThat(in.read()).isEqualTo(7);
      }

      Path renamed = new Path("s3a://lake/refined/issues/tenant_id=t1/part-1.parquet");
      assertThat(fs.rename(data, renamed)).isTrue();
      assertThat(fs.exists(data)).isFalse();
      assertThat(fs.delete(new Path("s3a://lake/refined"), true)).isTrue();
      assertThat(S3.client().listObjectsV2(b -> b.bucket("lake")).contents()).isEmpty();
    }
  }
}
