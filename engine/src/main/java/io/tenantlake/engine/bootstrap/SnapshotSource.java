package io.tenantlake.engine.bootstrap;

import io.tenantlake.engine.aws.AwsSettings;
import io.tenantlake.proto.EventJson;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.connectors.s3.AccessStyle;
import org.apache.pekko.stream.connectors.s3.S3Settings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The records of a snapshot, object after object in listing order, each object streamed from S3
 * (never held whole). Bad records become problem records and reading goes on; a transient S3
 * failure re-opens the object after a backoff and skips the records already emitted, so nothing is
 * repeated or lost; the source fails only when retries run out or S3 refuses the reads.
 *
 * <pre>{@code
 * S3Settings s3 = SnapshotSource.s3Settings(system, awsSettings);
 * SnapshotListing listing = SnapshotListing.list(awsClients.s3(), SnapshotUri.parse(uri)).toCompletableFuture().join();
 * SnapshotSource.create(listing, resumeAt, s3, SnapshotReadSettings.defaults(), EventJson.defaults(), progress)
 * }</pre>
 */
public final class SnapshotSource {
  private static final Logger log = LoggerFactory.getLogger(SnapshotSource.class);

  private SnapshotSource() {}

  /**
   * @param from where to start: earlier objects and the first records of its object are skipped
   * @param progress counters this source updates
   */
  public static Source<SnapshotRecord, NotUsed> create(SnapshotListing listing, SnapshotPosition from, S3Settings s3,
      SnapshotReadSettings settings, EventJson json, SnapshotProgress progress) {
    List<SnapshotObject> objects = listing.objects();
    if (from.objectIndex() > objects.size()) {
      throw new IllegalArgumentException("resume position " + from + " is past the " + objects.size() + " objects of " + listing.uri());
    }
    ObjectReader reader = new ObjectReader(listing.uri().bucket(), s3, settings.maxRecordSize(), json, progress);
    return Source.from(objects.subList(from.objectIndex(), objects.size()))
        .flatMapConcat(o -> object(listing.uri(), reader, o, o.index() == from.objectIndex() ? from.recordOffset() : 0,
            settings, progress));
  }

  private static Source<SnapshotRecord, NotUsed> object(SnapshotUri uri, ObjectReader reader, SnapshotObject o,
      long fromOffset, SnapshotReadSettings settings, SnapshotProgress progress) {
    AtomicLong next = new AtomicLong(fromOffset); // the first record not yet emitted
    AtomicInteger attempts = new AtomicInteger();
    String name = "s3://" + uri.bucket() + "/" + o.key();
    return RestartSource.onFailuresWithBackoff(settings.restartSettings().withRestartOn(ReadFailures::isTransient), () -> {
          if (attempts.getAndIncrement() > 0) {
            progress.retried();
            log.warn("re-opening {} at record {} (retry {})", name, next.get(), attempts.get() - 1);
          }
          return reader.read(o, next.get());
        })
        // Outside the restart: only records that really left it count as emitted.
        .map(r -> {
          next.set(r.offset() + 1);
          return progress.emitted(r);
        })
        .recover(new PFBuilder<Throwable, SnapshotRecord>()
            .match(Throwable.class, ReadFailures::isUnreadable, t -> progress.emitted(SnapshotRecord.problem(o, next.get(),
                name + " cannot be read (deleted since the listing?): " + ReadFailures.describe(t), new byte[0])))
            .build())
        // concatLazy: a plain concat materializes its second source at once, which would count the
        // object as completed when its read starts.
        .concatLazy(Source.lazySource(() -> {
          progress.objectCompleted();
          return Source.<SnapshotRecord>empty();
        }).mapMaterializedValue(m -> NotUsed.getInstance()));
  }

  /**
   * Streaming-client settings that reach the same S3 as {@link AwsSettings} (and so as
   * {@code AwsClients.s3()}): region, static keys or the default chain, and with an endpoint
   * override path-style addressing, as local stores need.
   */
  public static S3Settings s3Settings(ClassicActorSystemProvider system, AwsSettings aws) {
    AwsCredentialsProvider credentials = aws.accessKey().isPresent()
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(aws.accessKey().get(), aws.secretKey().get()))
        : DefaultCredentialsProvider.builder().build();
    Region region = Region.of(aws.region());
    S3Settings s = S3Settings.create(system).withCredentialsProvider(credentials).withS3RegionProvider(() -> region);
    if (aws.s3Endpoint().isPresent()) {
      s = s.withEndpointUrl(aws.s3Endpoint().get().toString()).withAccessStyle(AccessStyle.pathAccessStyle());
    }
    return s;
  }
}
