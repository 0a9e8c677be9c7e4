package io.tenantlake.engine.sharing;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code tenantlake.sharing}: how the Delta Sharing export serves shares (see the engine's
 * reference.conf). Checked once at start.
 *
 * @param endpoint the public URL of the protocol's prefix written into profile files; empty: the
 *     URL the admin request came to, plus {@code /delta-sharing}
 * @param urlExpiry how long a pre-signed file URL works
 * @param rotationGrace how long a rotated-out token keeps working
 * @param defaultExpiry a token's lifetime when the request names none
 * @param maxExpiry the longest lifetime a request may ask for
 * @param pageSize list results per page when the client names no maxResults; also the cap
 * @param cacheTtl how long a node trusts its copy of a share before reading it again (another
 *     node's revocation takes effect here within this)
 * @param enhancedTables the names of the enhanced tables ({@code tenantlake.enhanced.tables}) a
 *     share may include, each at {@code <storage root>/enhanced/<name>}
 */
public record SharingSettings(Optional<String> endpoint, Duration urlExpiry, Duration rotationGrace,
    Duration defaultExpiry, Duration maxExpiry, int pageSize, Duration cacheTtl, List<String> enhancedTables) {

  public SharingSettings {
    endpoint = endpoint.filter(e -> !e.isBlank()).map(e -> e.replaceAll("/+$", ""));
    positive("url-expiry", urlExpiry);
    if (urlExpiry.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("tenantlake.sharing.url-expiry is over 7 days: S3 refuses such signatures");
    }
    if (rotationGrace.isNegative()) throw new IllegalArgumentException("tenantlake.sharing.rotation-grace is negative");
    positive("default-expiry", defaultExpiry);
    positive("max-expiry", maxExpiry);
    if (defaultExpiry.compareTo(maxExpiry) > 0) {
      throw new IllegalArgumentException("tenantlake.sharing.default-expiry is longer than max-expiry");
    }
    if (pageSize < 1 || pageSize > 10_000) throw new IllegalArgumentException("tenantlake.sharing.page-size must be 1..10000");
    if (cacheTtl.isNegative()) throw new IllegalArgumentException("tenantlake.sharing.cache-ttl is negative");
    enhancedTables = List.copyOf(enhancedTables);
    for (String t : enhancedTables) {
      if (!SharedTable.NAME.matcher(t).matches()) {
        throw new IllegalArgumentException("tenantlake.enhanced.tables: \"" + t + "\" is not a table name");
      }
    }
  }

  private static void positive(String name, Duration d) {
    if (d.isZero() || d.isNegative()) throw new IllegalArgumentException("tenantlake.sharing." + name + " must be positive");
  }

  /** Reads {@code tenantlake.sharing} and the names of {@code tenantlake.enhanced.tables} (if set). */
  public static SharingSettings fromConfig(Config root) {
    Config c = root.getConfig("tenantlake.sharing");
    List<String> enhanced = root.hasPath("tenantlake.enhanced.tables")
        ? root.getConfigList("tenantlake.enhanced.tables").stream().map(t -> t.getString("name")).toList()
        : List.of();
    return new SharingSettings(Optional.of(c.getString("endpoint")), c.getDuration("url-expiry"),
        c.getDuration("rotation-grace"), c.getDuration("default-expiry"), c.getDuration("max-expiry"),
        c.getInt("page-size"), c.getDuration("cache-ttl"), enhanced);
  }
}
