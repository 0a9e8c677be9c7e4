package io.tenantlake.engine.bootstrap;

import java.util.Locale;
import java.util.Optional;

/**
 * One data object of a snapshot listing.
 *
 * @param index position in the listing (sorted by key), part of a resume position
 * @param key the object key
 * @param size bytes as stored (compressed when {@code gzip})
 * @param format how records are framed in the object
 * @param gzip whether the object is gzip-compressed ({@code .gz} suffix)
 */
public record SnapshotObject(int index, String key, long size, Format format, boolean gzip) {

  /** How the records of an object are framed. */
  public enum Format {
    /** Length-delimited {@code BootstrapRecord}s (varint length, then the message): {@code .pb}, {@code .binpb}. */
    PROTOBUF,
    /** One {@code BootstrapRecord} in proto JSON per line: {@code .ndjson}, {@code .jsonl}. */
    NDJSON
  }

  public SnapshotObject {
    if (index < 0) throw new IllegalArgumentException("index must be >= 0, got " + index);
    if (key == null || key.isEmpty()) throw new IllegalArgumentException("key is empty");
    if (format == null) throw new IllegalArgumentException("format is null");
  }

  /** The format a key's suffix announces, or empty for anything else (_SUCCESS, manifests, folders). */
  public static Optional<Format> formatOf(String key) {
    String k = stripGz(key.toLowerCase(Locale.ROOT));
    if (k.endsWith(".pb") || k.endsWith(".binpb")) return Optional.of(Format.PROTOBUF);
    if (k.endsWith(".ndjson") || k.endsWith(".jsonl")) return Optional.of(Format.NDJSON);
    return Optional.empty();
  }

  public static boolean isGzip(String key) {
    return key.toLowerCase(Locale.ROOT).endsWith(".gz");
  }

  private static String stripGz(String k) {
    return k.endsWith(".gz") ? k.substring(0, k.length() - 3) : k;
  }
}
