package io.tenantlake.api.demo;

import io.tenantlake.engine.bootstrap.SnapshotObject;
import io.tenantlake.engine.bootstrap.SnapshotWriter;
import io.tenantlake.proto.EventJson;
import io.tenantlake.proto.v1.BootstrapRecord;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * The demo's bulk load: writes a snapshot of Jira issues for the demo tenants to S3 (five objects:
 * protobuf and NDJSON, plain and gzip), then starts a bootstrap job for it through the admin API
 * and prints the job's id. Usage: {@code SampleSnapshot NODE_URL ADMIN_TOKEN S3_ENDPOINT REGION
 * ACCESS_KEY SECRET_KEY [RECORDS [TENANTS]]}.
 */
public final class SampleSnapshot {
  static final String BUCKET = "tenantlake-snapshots";
  static final String PREFIX = "demo/jira-issues";

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println("usage: SampleSnapshot NODE_URL ADMIN_TOKEN S3_ENDPOINT REGION ACCESS_KEY SECRET_KEY [RECORDS [TENANTS]]");
      System.exit(2);
    }
    int records = args.length > 6 ? Integer.parseInt(args[6]) : 50_000;
    int tenants = args.length > 7 ? Integer.parseInt(args[7]) : 5;
    try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(args[2])).region(Region.of(args[3]))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[4], args[5]))).build()) {
      try {
        s3.createBucket(b -> b.bucket(BUCKET));
      } catch (BucketAlreadyOwnedByYouException already) {
        // a second demo run reuses it
      }
      // Ids of their own (ISSUE-100000 on): the snapshot loads issues the live producer never touches.
      SampleEvents sample = new SampleEvents(SampleEvents.tenants(tenants), List.of("jira.issue"), records, 7);
      int objects = 5;
      int per = (records + objects - 1) / objects;
      long written = 0;
      for (int o = 0; o < objects; o++) {
        var format = o % 2 == 0 ? SnapshotObject.Format.PROTOBUF : SnapshotObject.Format.NDJSON;
        boolean gzip = o >= 2;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = gzip ? new GZIPOutputStream(bytes) : bytes) {
          SnapshotWriter writer = new SnapshotWriter(out, format, EventJson.defaults());
          for (int i = 0; i < per && written < records; i++, written++) writer.write(snapshotRecord(sample, written));
        }
        String key = String.format("%s/part-%03d%s", PREFIX, o, SnapshotWriter.suffix(format, gzip));
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes.toByteArray()));
      }
      System.out.printf("snapshot: %d jira.issue records in %d objects under s3://%s/%s%n", written, objects, BUCKET, PREFIX);
    }
    HttpRequest post = HttpRequest.newBuilder(URI.create(args[0]).resolve("/v1/admin/bootstrap"))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + args[1])
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"entity_type\": \"jira.issue\", \"uri\": \"s3://" + BUCKET + "/" + PREFIX + "\"}"))
        .build();
    HttpResponse<String> answer = HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString());
    // 503: the node is about to become the cluster's writer (its lanes are starting): as it asks, retry.
    for (int attempt = 0; answer.statusCode() == 503 && attempt < 30; attempt++) {
      Thread.sleep(1000L * answer.headers().firstValueAsLong("Retry-After").orElse(2));
      answer = HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString());
    }
    System.out.println("POST /v1/admin/bootstrap: " + answer.statusCode() + " " + answer.body());
    if (answer.statusCode() != 202) System.exit(1);
  }

  /** A snapshot row is a live entity: its payload is the sample's next non-delete event's. */
  private static BootstrapRecord snapshotRecord(SampleEvents sample, long n) {
    ChangeEvent e = sample.next();
    while (e.getOp() == Op.OP_DELETED) e = sample.next();
    String id = "ISSUE-" + (100_000 + n);
    BootstrapRecord.Builder b = BootstrapRecord.newBuilder().setEventId("snapshot-" + e.getTenantId() + "-" + id)
        .setTenantId(e.getTenantId()).setEntityType(e.getEntityType()).setEntityId(id).setVersion(1)
        .setEmittedAt(e.getEmittedAt()).setPayload(e.getPayload());
    return b.build();
  }
}
