package io.tenantlake.engine.intake;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/** A Kinesis client whose PutRecords answers come from a function: partial failures on demand. */
final class FakeKinesis implements KinesisAsyncClient {
  private final Function<PutRecordsRequest, CompletableFuture<PutRecordsResponse>> putRecords;

  FakeKinesis(Function<PutRecordsRequest, CompletableFuture<PutRecordsResponse>> putRecords) {
    this.putRecords = putRecords;
  }

  @Override
  public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
    return putRecords.apply(request);
  }

  @Override
  public String serviceName() {
    return "kinesis";
  }

  @Override
  public void close() {}
}
