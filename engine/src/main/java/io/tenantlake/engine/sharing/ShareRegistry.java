package io.tenantlake.engine.sharing;

import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shares of the region: creating one (opt-in, per tenant and recipient), listing, rotating and
 * revoking tokens, and finding the share a recipient's token opens. What a share holds is decided
 * here too: the tenant's refined tables and the configured enhanced tables that exist and are
 * partitioned by tenant, narrowed to the share's list when it has one.
 */
public final class ShareRegistry {
  private static final Logger log = LoggerFactory.getLogger(ShareRegistry.class);
  public static final Pattern RECIPIENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  static final String TENANT_COLUMN = "tenant_id";

  private final ShareStore store;
  private final DeltaStorage storage;
  private final SharingSettings settings;
  private final List<String> models;
  private final LongSupplier clock;
  private final java.util.Map<String, DeltaTable> tables = new java.util.concurrent.ConcurrentHashMap<>();

  public ShareRegistry(ShareStore store, DeltaStorage storage, SharingSettings settings, List<String> models,
      LongSupplier clock) {
    this.store = store;
    this.storage = storage;
    this.settings = settings;
    this.models = List.copyOf(models);
    this.clock = clock;
  }

  /** A new share and its first token: the only time the token is seen. */
  public record Created(Share share, String token) {}

  /** A request the admin made wrong: answered 400 with this message. */
  public static final class InvalidShareRequest extends RuntimeException {
    public InvalidShareRequest(String message) {
      super(message);
    }
  }

  public Created create(String tenant, String recipient, List<String> tables, Optional<Duration> expiresIn) {
    if (recipient == null || !RECIPIENT.matcher(recipient).matches()) {
      throw new InvalidShareRequest("recipient must match " + RECIPIENT.pattern());
    }
    List<String> named = new ArrayList<>();
    for (String t : tables) {
      SharedTable st;
      try {
        st = SharedTable.parse(t);
      } catch (IllegalArgumentException e) {
        throw new InvalidShareRequest("table \"" + t + "\": " + e.getMessage());
      }
      if (!offered().contains(st)) {
        throw new InvalidShareRequest("table \"" + t + "\" is not a refined model or a configured enhanced table "
            + "(offered: " + offered().stream().map(SharedTable::qualified).toList() + ")");
      }
      named.add(st.qualified());
    }
    String name = tenant + "_" + recipient;
    for (Share s : store.ofTenant(tenant)) {
      if (!s.revoked() && s.name().equals(name)) {
        throw new InvalidShareRequest("tenant " + tenant + " already shares with recipient " + recipient
            + " (share " + s.id() + "): rotate its token or revoke it first");
      }
    }
    long now = clock.getAsLong();
    String id = ShareTokens.newShareId();
    ShareTokens.Issued issued = ShareTokens.issue(id, now, now + lifetime(expiresIn).toMillis());
    Share share = new Share(id, name, tenant, recipient, named, now, 0, List.of(issued.credential()));
    store.put(share);
    log.info("sharing: tenant {} shares with recipient {} (share {}, tables {})", tenant, recipient, id,
        named.isEmpty() ? "all" : named);
    return new Created(share, issued.token());
  }

  private Duration lifetime(Optional<Duration> expiresIn) {
    Duration d = expiresIn.orElse(settings.defaultExpiry());
    if (d.isZero() || d.isNegative() || d.compareTo(settings.maxExpiry()) > 0) {
      throw new InvalidShareRequest("expires_in must be positive and at most " + settings.maxExpiry().toSeconds() + " s");
    }
    return d;
  }

  public List<Share> ofTenant(String tenant) {
    return store.ofTenant(tenant);
  }

  /** The tenant's share with this id, if it has one: never another tenant's. */
  public Optional<Share> find(String tenant, String id) {
    return store.get(id).filter(s -> s.tenant().equals(tenant));
  }

  /** A new token; the old ones keep working until the grace period ends (or their own expiry). */
  public Created rotate(Share share, Optional<Duration> expiresIn) {
    if (share.revoked()) throw new InvalidShareRequest("share " + share.id() + " is revoked");
    long now = clock.getAsLong();
    ShareTokens.Issued issued = ShareTokens.issue(share.id(), now, now + lifetime(expiresIn).toMillis());
    Share next = share.rotated(issued.credential(), now + settings.rotationGrace().toMillis());
    store.put(next);
    log.info("sharing: rotated the token of share {} (tenant {}, recipient {}); the old one works {} more",
        share.id(), share.tenant(), share.recipient(), settings.rotationGrace());
    return new Created(next, issued.token());
  }

  /** Revokes at once: no token of the share opens anything after this returns (on this node). */
  public Share revoke(Share share) {
    if (share.revoked()) return share;
    Share next = share.revokedNow(clock.getAsLong());
    store.put(next);
    log.info("sharing: revoked share {} (tenant {}, recipient {})", share.id(), share.tenant(), share.recipient());
    return next;
  }

  /** The open share a token opens now, or empty (unknown, garbage, expired, rotated out, revoked). */
  public Optional<Share> authenticate(String token) {
    Optional<String> id = ShareTokens.shareIdOf(token);
    if (id.isEmpty()) return Optional.empty();
    Optional<Share> share = store.get(id.get());
    long now = clock.getAsLong();
    return share.filter(s -> !s.revoked() && ShareTokens.matches(s, token, now));
  }

  /** The lake table behind a shared table, kept: opening a Delta log costs several reads. */
  public DeltaTable table(SharedTable t) {
    return tables.computeIfAbsent(t.lakeTable(), name -> DeltaTable.at(storage, name));
  }

  /** Every table a share could offer: the models, and the configured enhanced tables. */
  private List<SharedTable> offered() {
    List<SharedTable> all = new ArrayList<>();
    models.forEach(m -> all.add(new SharedTable(SharedTable.REFINED, m)));
    settings.enhancedTables().forEach(e -> all.add(new SharedTable(SharedTable.ENHANCED, e)));
    return all;
  }

  /**
   * The tables a share holds now: those it names (or all offered), that exist and are
   * partitioned by tenant (a table that is not cannot be cut to one tenant, so it is never shared).
   */
  public List<SharedTable> tablesOf(Share share) {
    List<SharedTable> out = new ArrayList<>();
    for (SharedTable t : offered()) {
      if (!share.tables().isEmpty() && !share.tables().contains(t.qualified())) continue;
      DeltaTable table = table(t);
      if (!table.exists()) continue;
      if (!table.schema().partitionColumns().equals(List.of(TENANT_COLUMN))) {
        log.warn("sharing: table {} is not partitioned by {} alone; it is not shared", t.lakeTable(), TENANT_COLUMN);
        continue;
      }
      out.add(t);
    }
    return out;
  }
}
