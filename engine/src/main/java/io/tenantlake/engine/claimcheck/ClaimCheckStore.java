package io.tenantlake.engine.claimcheck;

import io.tenantlake.proto.v1.PayloadRef;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Big payloads travel beside the stream: the intake stores them as S3 objects addressed by their
 * sha256 (so a retried upload writes nothing new) and the event carries a {@link PayloadRef}; the
 * raw writer fetches them back and checks size and digest before trusting a byte.
 */
public final class ClaimCheckStore {
  private final S3AsyncClient s3;
  private final String bucket;
  private final String prefix;
  private final long maxBytes;

  /**
   * @param prefix key prefix for claim-check objects, e.g. {@code claims/}
   * @param maxBytes the largest object this store will fetch: a reference may not make us read
   *     an unbounded object into memory
   */
  public ClaimCheckStore(S3AsyncClient s3, String bucket, String prefix, long maxBytes) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix.endsWith("/") || prefix.isEmpty() ? prefix : prefix + "/";
    this.maxBytes = maxBytes;
  }

  public String bucket() {
    return bucket;
  }

  /**
   * Stores bytes as {@code <prefix><tenant>/<sha256>}: content-addressed within the tenant (so an
   * erase can delete a tenant's objects by prefix) and idempotent.
   */
  public CompletionStage<PayloadRef> put(String tenantId, byte[] bytes, String typeUrl) {
    String sha = sha256(bytes);
    String key = prefix + tenantId + "/" + sha;
    PayloadRef ref = PayloadRef.newBuilder()
        .setUri("s3://" + bucket + "/" + key).setSize(bytes.length).setSha256(sha).setTypeUrl(typeUrl).build();
    // Content-addressed: an object already there with this size holds these bytes; skip the upload.
    return s3.headObject(b -> b.bucket(bucket).key(key))
        .handle((head, err) -> head != null && head.contentLength() == bytes.length)
        .thenCompose(exists -> exists
            ? CompletableFuture.completedFuture(ref)
            : s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) bytes.length)
                    .contentType("application/octet-stream"), AsyncRequestBody.fromBytes(bytes))
                .thenApply(r -> ref));
  }

  /** Fetches and verifies a referenced payload; fails with {@link ClaimCheckException} naming the object. */
  public CompletionStage<byte[]> get(PayloadRef ref) {
    URI uri;
    try {
      uri = URI.create(ref.getUri());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new ClaimCheckException("claim check uri is not a URI: " + ref.getUri()));
    }
    if (!"s3".equals(uri.getScheme()) || uri.getHost() == null || uri.getPath().length() < 2) {
      return CompletableFuture.failedFuture(new ClaimCheckException("claim check uri must be s3://bucket/key: " + ref.getUri()));
    }
    if (!bucket.equals(uri.getHost())) {
      // Only our own bucket: a producer must not make the engine read arbitrary objects.
      return CompletableFuture.failedFuture(new ClaimCheckException(
          "claim check " + ref.getUri() + " is outside the claim-check bucket " + bucket));
    }
    if (ref.getSize() < 0 || ref.getSize() > maxBytes) {
      return CompletableFuture.failedFuture(new ClaimCheckException(
          "claim check " + ref.getUri() + " declares " + ref.getSize() + " bytes, limit " + maxBytes));
    }
    String key = uri.getPath().substring(1);
    return s3.getObject(b -> b.bucket(bucket).key(key), AsyncResponseTransformer.toBytes())
        .handle((resp, err) -> {
          if (err != null) {
            Throwable cause = err.getCause() != null ? err.getCause() : err;
            if (cause instanceof NoSuchKeyException) throw new ClaimCheckException("claim check " + ref.getUri() + " does not exist");
            throw new ClaimCheckException("claim check " + ref.getUri() + " could not be read: " + cause.getMessage(), cause);
          }
          byte[] bytes = resp.asByteArray();
          if (bytes.length != ref.getSize()) {
            throw new ClaimCheckException("claim check " + ref.getUri() + " has " + bytes.length
                + " bytes, the event says " + ref.getSize());
          }
          String sha = sha256(bytes);
          if (!sha.equalsIgnoreCase(ref.getSha256())) {
            throw new ClaimCheckException("claim check " + ref.getUri() + " has sha256 " + sha
                + ", the event says " + ref.getSha256());
          }
          return bytes;
        });
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
