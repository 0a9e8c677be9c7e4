package io.tenantlake.engine.bootstrap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The data objects of a snapshot, sorted by key and indexed 0..n-1, and the keys that were skipped
 * (neither protobuf nor NDJSON: {@code _SUCCESS}, manifests, folder markers). Only data objects get
 * an index, so a marker written after the snapshot does not shift the indexes of a resume position.
 */
public record SnapshotListing(SnapshotUri uri, List<SnapshotObject> objects, List<String> skippedKeys) {

  /** S3's largest page. */
  public static final int MAX_PAGE_SIZE = 1000;

  public SnapshotListing {
    objects = List.copyOf(objects);
    skippedKeys = List.copyOf(skippedKeys);
    for (int i = 0; i < objects.size(); i++) {
      if (objects.get(i).index() != i) throw new IllegalArgumentException("object " + i + " has index " + objects.get(i).index());
    }
  }

  /** Lists every object under the snapshot's prefix (all pages). */
  public static CompletionStage<SnapshotListing> list(S3AsyncClient s3, SnapshotUri uri) {
    return list(s3, uri, MAX_PAGE_SIZE);
  }

  /** As {@link #list(S3AsyncClient, SnapshotUri)} with a smaller page size (tests of paging). */
  public static CompletionStage<SnapshotListing> list(S3AsyncClient s3, SnapshotUri uri, int pageSize) {
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new IllegalArgumentException("page size must be 1..1000, got " + pageSize);
    ListObjectsV2Request request = ListObjectsV2Request.builder()
        .bucket(uri.bucket()).prefix(uri.prefix()).maxKeys(pageSize).build();
    List<S3Object> found = new ArrayList<>();
    // The paginator calls the consumer one object at a time, page after page.
    return s3.listObjectsV2Paginator(request).contents().subscribe(found::add)
        .thenApply(done -> of(uri, found));
  }

  static SnapshotListing of(SnapshotUri uri, List<S3Object> found) {
    List<S3Object> sorted = new ArrayList<>(found);
    // S3 orders keys by their UTF-8 bytes; String order differs for some characters, and the
    // order must not depend on how a store happened to answer.
    sorted.sort(Comparator.comparing((S3Object o) -> o.key().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
    List<SnapshotObject> objects = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (S3Object o : sorted) {
      Optional<SnapshotObject.Format> format = o.key().endsWith("/") ? Optional.empty() : SnapshotObject.formatOf(o.key());
      if (format.isEmpty()) {
        skipped.add(o.key());
      } else {
        objects.add(new SnapshotObject(objects.size(), o.key(), o.size() == null ? -1 : o.size(), format.get(),
            SnapshotObject.isGzip(o.key())));
      }
    }
    return new SnapshotListing(uri, objects, skipped);
  }

  public long totalBytes() {
    return objects.stream().mapToLong(o -> Math.max(0, o.size())).sum();
  }

  @Override
  public String toString() {
    return "SnapshotListing[" + uri + ": " + objects.size() + " objects, " + totalBytes() + " bytes, "
        + skippedKeys.size() + " skipped]";
  }
}
