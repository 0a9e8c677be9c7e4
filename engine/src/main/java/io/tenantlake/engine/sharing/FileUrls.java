package io.tenantlake.engine.sharing;

import io.tenantlake.engine.aws.AwsSettings;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Pre-signed GET URLs (SigV4 query-string signatures) for the data files of the lake's tables:
 * a recipient downloads a file straight from S3, with no credentials of its own, until the URL
 * expires. Only an {@code s3a://bucket/prefix} storage root can be shared this way.
 */
public final class FileUrls implements AutoCloseable {
  private final S3Presigner presigner;
  private final String bucket;
  private final String prefix;
  private final Duration expiry;

  /** A pre-signed URL and when it stops working (epoch ms). */
  public record Signed(String url, long expiresAt) {}

  public FileUrls(AwsSettings aws, URI storageRoot, Duration expiry) {
    if (!"s3a".equals(storageRoot.getScheme())) {
      throw new IllegalArgumentException("Delta Sharing serves pre-signed S3 URLs: the storage root must be s3a://, not "
          + storageRoot);
    }
    this.bucket = storageRoot.getHost();
    String p = storageRoot.getPath() == null ? "" : storageRoot.getPath().replaceAll("^/+|/+$", "");
    this.prefix = p.isEmpty() ? "" : p + "/";
    this.expiry = expiry;
    var b = S3Presigner.builder().region(Region.of(aws.region()))
        .credentialsProvider(aws.accessKey().isPresent()
            ? StaticCredentialsProvider.create(AwsBasicCredentials.create(aws.accessKey().get(), aws.secretKey().get()))
            : DefaultCredentialsProvider.builder().build());
    aws.s3Endpoint().ifPresent(e -> b.endpointOverride(e)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()));
    this.presigner = b.build();
  }

  /** A URL for a file of {@code table} ({@code refined/jira_issues}) at its table-relative path. */
  public Signed sign(String table, String relativePath) {
    String key = prefix + table + "/" + relativePath;
    var request = presigner.presignGetObject(r -> r.signatureDuration(expiry)
        .getObjectRequest(GetObjectRequest.builder().bucket(bucket).key(key).build()));
    return new Signed(request.url().toString(), request.expiration().toEpochMilli());
  }

  @Override
  public void close() {
    presigner.close();
  }
}
