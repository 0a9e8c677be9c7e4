package io.tenantlake.engine.bootstrap;

import io.tenantlake.engine.aws.AwsClients;
import io.tenantlake.engine.aws.AwsSettings;
import io.tenantlake.testkit.LocalS3;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.connectors.s3.S3Settings;
import org.apache.pekko.stream.javadsl.Sink;
import software.amazon.awssdk.core.sync.RequestBody;

/** S3Proxy, an actor system, and the engine's clients built from AwsSettings, for one test class. */
final class S3Harness implements AutoCloseable {
  final LocalS3 s3 = LocalS3.start();
  final String bucket;
  final ActorSystem system;
  final AwsSettings aws;
  final AwsClients clients;

  S3Harness(String bucket) {
    this.bucket = bucket;
    s3.createBucket(bucket);
    system = ActorSystem.create(bucket);
    aws = awsSettings(s3.endpoint());
    clients = new AwsClients(aws);
  }

  static AwsSettings awsSettings(URI s3Endpoint) {
    return new AwsSettings(LocalS3.REGION, Optional.empty(), Optional.of(s3Endpoint),
        Optional.of(LocalS3.ACCESS_KEY), Optional.of(LocalS3.SECRET_KEY));
  }

  void put(String key, byte[] bytes) {
    s3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  SnapshotUri uri(String prefix) {
    return new SnapshotUri(bucket, prefix);
  }

  SnapshotListing list(String prefix) throws Exception {
    return SnapshotListing.list(clients.s3(), uri(prefix)).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  S3Settings s3Settings() {
    return SnapshotSource.s3Settings(system, aws);
  }

  static SnapshotReadSettings fastRetries() {
    return SnapshotReadSettings.defaults().withBackoff(Duration.ofMillis(50), Duration.ofMillis(200), 5);
  }

  List<SnapshotRecord> read(SnapshotListing listing, SnapshotPosition from, SnapshotReadSettings settings,
      S3Settings s3Settings, SnapshotProgress progress) throws Exception {
    return SnapshotSource.create(listing, from, s3Settings, settings, SnapshotFixtures.JSON, progress)
        .runWith(Sink.seq(), system).toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  List<SnapshotRecord> read(SnapshotListing listing, SnapshotPosition from, SnapshotReadSettings settings) throws Exception {
    return read(listing, from, settings, s3Settings(), new SnapshotProgress());
  }

  @Override
  public void close() {
    clients.close();
    system.terminate();
    s3.close();
  }
}
