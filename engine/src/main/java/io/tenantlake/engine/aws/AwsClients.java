package io.tenantlake.engine.aws;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** The engine's AWS clients, built once per node from {@link AwsSettings}. */
public final class AwsClients implements AutoCloseable {
  private final KinesisAsyncClient kinesis;
  private final S3AsyncClient s3;

  public AwsClients(AwsSettings settings) {
    AwsCredentialsProvider credentials = settings.accessKey().isPresent()
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey().get(), settings.secretKey().get()))
        : DefaultCredentialsProvider.builder().build();
    Region region = Region.of(settings.region());
    var kb = KinesisAsyncClient.builder().region(region).credentialsProvider(credentials)
        // HTTP/1.1: the SDK asks for HTTP/2 by default, which emulators do not speak; GetRecords
        // and PutRecords need nothing more.
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1)
            .maxConcurrency(256).connectionAcquisitionTimeout(Duration.ofSeconds(30)));
    settings.kinesisEndpoint().ifPresent(kb::endpointOverride);
    this.kinesis = kb.build();
    var sb = S3AsyncClient.builder().region(region).credentialsProvider(credentials)
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(64));
    settings.s3Endpoint().ifPresent(e -> sb.endpointOverride(e).forcePathStyle(true));
    this.s3 = sb.build();
  }

  public KinesisAsyncClient kinesis() {
    return kinesis;
  }

  public S3AsyncClient s3() {
    return s3;
  }

  @Override
  public void close() {
    kinesis.close();
    s3.close();
  }
}
