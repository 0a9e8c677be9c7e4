package io.tenantlake.engine.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.tenantlake.engine.aws.AwsSettings;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.ingest.IngestSettings;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The engine's settings ({@code tenantlake.*} of the engine's reference.conf), read and checked
 * once at start: a bad value stops the node with the setting's name rather than failing later.
 */
public record EngineSettings(String region, AwsSettings aws, URI storageRoot, Map<String, String> hadoop,
    ClaimCheckSettings claimCheck, IngestSettings ingest) {

  /** {@code tenantlake.claim-check}. */
  public record ClaimCheckSettings(String bucket, String prefix, long threshold, long maxSize) {
    public ClaimCheckSettings {
      if (bucket.isBlank()) throw new IllegalArgumentException("tenantlake.claim-check.bucket is empty");
      if (threshold < 1 || maxSize < threshold) {
        throw new IllegalArgumentException("tenantlake.claim-check needs 0 < threshold <= max-size");
      }
    }
  }

  public static EngineSettings fromConfig(Config root) {
    Config c = root.getConfig("tenantlake");
    Map<String, String> hadoop = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getConfig("storage.hadoop").entrySet()) {
      hadoop.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
    }
    Config cc = c.getConfig("claim-check");
    return new EngineSettings(c.getString("region"), AwsSettings.fromConfig(c.getConfig("aws")),
        URI.create(c.getString("storage.root")), hadoop,
        new ClaimCheckSettings(cc.getString("bucket"), cc.getString("prefix"), cc.getBytes("threshold"), cc.getBytes("max-size")),
        IngestSettings.fromConfig(c.getConfig("ingest")));
  }

  /** The region's table storage; an s3a root reaches S3 with the aws settings. */
  public DeltaStorage storage() {
    Map<String, String> props = new LinkedHashMap<>();
    if ("s3a".equals(storageRoot.getScheme())) props.putAll(aws.s3aSettings());
    props.putAll(hadoop);
    return DeltaStorage.of(storageRoot, props);
  }
}
