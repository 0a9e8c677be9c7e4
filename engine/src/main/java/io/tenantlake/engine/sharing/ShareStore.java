package io.tenantlake.engine.sharing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantlake.engine.delta.DeltaStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Shares in the region's control area, one small object each ({@code _control/sharing/shares/<id>.json}
 * beside the tables; one PUT on S3), and a per-node copy that is trusted for {@code cacheTtl}: a
 * share changed on this node is current here at once, one changed on another node within the TTL.
 */
public final class ShareStore {
  static final String DIR = "_control/sharing/shares";
  static final Pattern ID = Pattern.compile("[A-Za-z0-9]{8,64}");
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final DeltaStorage storage;
  private final long cacheTtlMillis;
  private final LongSupplier clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Optional<Share> share, long readAt) {}

  public ShareStore(DeltaStorage storage, java.time.Duration cacheTtl, LongSupplier clock) {
    this.storage = storage;
    this.cacheTtlMillis = cacheTtl.toMillis();
    this.clock = clock;
  }

  public void put(Share share) {
    try {
      storage.writeStateFile(DIR + "/" + share.id() + ".json", JSON.writeValueAsBytes(share));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store share " + share.id() + " of tenant " + share.tenant(), e);
    }
    cache.put(share.id(), new Cached(Optional.of(share), clock.getAsLong()));
  }

  /** The share with this id, from the copy when it is fresh enough, else from the store. */
  public Optional<Share> get(String id) {
    if (!ID.matcher(id).matches()) return Optional.empty();
    Cached c = cache.get(id);
    long now = clock.getAsLong();
    if (c != null && now - c.readAt() <= cacheTtlMillis) return c.share();
    Optional<Share> read = read(id + ".json");
    cache.put(id, new Cached(read, now));
    return read;
  }

  /** Every share of a tenant, read from the store (an admin listing: not on a hot path). */
  public List<Share> ofTenant(String tenant) {
    List<Share> out = new ArrayList<>();
    for (String file : storage.listStateFiles(DIR)) {
      if (!file.endsWith(".json")) continue;
      read(file).filter(s -> s.tenant().equals(tenant)).ifPresent(out::add);
    }
    out.sort(java.util.Comparator.comparingLong(Share::createdAt).thenComparing(Share::id));
    return out;
  }

  private Optional<Share> read(String file) {
    byte[] bytes;
    try {
      bytes = storage.readStateFile(DIR + "/" + file);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof java.io.FileNotFoundException) return Optional.empty();
      throw e;
    }
    try {
      return Optional.of(JSON.readValue(bytes, Share.class));
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable share file " + DIR + "/" + file, e);
    }
  }
}
