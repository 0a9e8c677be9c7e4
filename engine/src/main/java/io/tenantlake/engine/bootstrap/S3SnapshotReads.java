package io.tenantlake.engine.bootstrap;

import io.tenantlake.engine.aws.AwsClients;
import io.tenantlake.engine.aws.AwsSettings;
import io.tenantlake.proto.EventJson;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.stream.connectors.s3.S3Settings;
import org.apache.pekko.stream.javadsl.Source;

/** Snapshots on S3: listed with the AWS SDK, streamed with pekko-connectors-s3. */
public final class S3SnapshotReads implements SnapshotReads {
  private final AwsClients aws;
  private final S3Settings s3;
  private final SnapshotReadSettings settings;
  private final EventJson json;

  public S3SnapshotReads(AwsClients aws, AwsSettings awsSettings, SnapshotReadSettings settings,
      ClassicActorSystemProvider system, EventJson json) {
    this.aws = aws;
    this.s3 = SnapshotSource.s3Settings(system, awsSettings);
    this.settings = settings;
    this.json = json;
  }

  @Override
  public List<BootstrapJob.SnapshotEntry> list(String uri) {
    SnapshotListing listing;
    try {
      listing = SnapshotListing.list(aws.s3(), SnapshotUri.parse(uri)).toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalArgumentException("cannot list " + uri + ": " + ReadFailures.describe(cause), cause);
    }
    List<BootstrapJob.SnapshotEntry> out = new ArrayList<>();
    listing.objects().forEach(o -> out.add(new BootstrapJob.SnapshotEntry(o.key(), o.size())));
    return out;
  }

  @Override
  public Source<SnapshotRecord, NotUsed> read(String uri, List<BootstrapJob.SnapshotEntry> objects, int fromObject,
      long fromOffset, SnapshotProgress progress) {
    SnapshotUri snapshot = SnapshotUri.parse(uri);
    List<SnapshotObject> listed = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      String key = objects.get(i).key();
      listed.add(new SnapshotObject(i, key, objects.get(i).size(), SnapshotObject.formatOf(key).orElseThrow(),
          SnapshotObject.isGzip(key)));
    }
    return SnapshotSource.create(new SnapshotListing(snapshot, listed, List.of()),
        new SnapshotPosition(fromObject, fromOffset), s3, settings, json, progress);
  }
}
