package io.tenantlake.engine.ingest;

import com.typesafe.config.Config;
import io.tenantlake.engine.dedup.DedupSettings;
import io.tenantlake.engine.kinesis.KinesisSourceSettings;
import io.tenantlake.engine.raw.CommitPolicy;
import java.time.Duration;
import java.util.List;

/** {@code tenantlake.ingest}: the live lane's source, commit policy, parallelism and raw deduplication. */
public record IngestSettings(boolean enabled, List<String> streams, int createStreamsWithShards,
    KinesisSourceSettings source, CommitPolicy commit, int decodeParallelism, int fileWriteParallelism,
    Duration progressInterval, DedupSettings dedup) {

  public IngestSettings {
    streams = List.copyOf(streams);
    if (decodeParallelism < 1) throw new IllegalArgumentException("tenantlake.ingest.decode-parallelism must be >= 1");
    if (fileWriteParallelism < 1) throw new IllegalArgumentException("tenantlake.ingest.file-write-parallelism must be >= 1");
    if (createStreamsWithShards < 0) throw new IllegalArgumentException("create-streams-with-shards must be >= 0");
  }

  public static IngestSettings fromConfig(Config c) {
    return new IngestSettings(c.getBoolean("enabled"), c.getStringList("streams"), c.getInt("create-streams-with-shards"),
        KinesisSourceSettings.fromConfig(c.getConfig("source")), CommitPolicy.fromConfig(c.getConfig("commit")),
        c.getInt("decode-parallelism"), c.getInt("file-write-parallelism"), c.getDuration("progress-interval"),
        DedupSettings.fromConfig(c.getConfig("dedup")));
  }
}
