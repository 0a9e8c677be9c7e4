package io.tenantlake.engine.aws;

import com.typesafe.config.Config;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** How to reach AWS or the local stand-ins: region, endpoint overrides, optional static keys. */
public record AwsSettings(String region, Optional<URI> kinesisEndpoint, Optional<URI> s3Endpoint,
    Optional<String> accessKey, Optional<String> secretKey) {

  public AwsSettings {
    if (region == null || region.isBlank()) throw new IllegalArgumentException("tenantlake.aws.region is empty");
    if (accessKey.isPresent() != secretKey.isPresent()) {
      throw new IllegalArgumentException("tenantlake.aws.access-key and secret-key go together");
    }
  }

  public static AwsSettings fromConfig(Config c) {
    return new AwsSettings(c.getString("region"), uri(c.getString("kinesis-endpoint")), uri(c.getString("s3-endpoint")),
        text(c.getString("access-key")), text(c.getString("secret-key")));
  }

  private static Optional<URI> uri(String s) {
    return s.isBlank() ? Optional.empty() : Optional.of(URI.create(s));
  }

  private static Optional<String> text(String s) {
    return s.isBlank() ? Optional.empty() : Optional.of(s);
  }

  /** The Hadoop S3A settings that reach the same S3 (endpoint, path style, keys). */
  public Map<String, String> s3aSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("fs.s3a.endpoint.region", region);
    s3Endpoint.ifPresent(e -> {
      s.put("fs.s3a.endpoint", e.toString());
      s.put("fs.s3a.path.style.access", "true");
      s.put("fs.s3a.connection.ssl.enabled", Boolean.toString("https".equals(e.getScheme())));
      s.put("fs.s3a.change.detection.mode", "none");
      s.put("fs.s3a.bucket.probe", "0");
    });
    if (accessKey.isPresent()) {
      s.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      s.put("fs.s3a.access.key", accessKey.get());
      s.put("fs.s3a.secret.key", secretKey.get());
    }
    return s;
  }

  @Override
  public String toString() {
    // Never print a secret.
    return "AwsSettings[region=" + region + ", kinesis=" + kinesisEndpoint.map(URI::toString).orElse("aws")
        + ", s3=" + s3Endpoint.map(URI::toString).orElse("aws") + ", keys=" + (accessKey.isPresent() ? "static" : "default chain") + "]";
  }
}
