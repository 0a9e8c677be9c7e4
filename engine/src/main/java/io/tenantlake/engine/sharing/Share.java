package io.tenantlake.engine.sharing;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * A share as stored in the control area: one tenant's tables opened to one recipient. {@code
 * tables} empty means every refined and configured enhanced table of the tenant (tables created
 * later included). The credentials hold only salted hashes of the tokens.
 *
 * @param name the share's name in the protocol, {@code <tenant>_<recipient>}
 * @param revokedAt epoch ms of the revocation, 0 while the share is open
 */
public record Share(String id, String name, String tenant, String recipient, List<String> tables,
    long createdAt, long revokedAt, List<Credential> credentials) {

  /**
   * One token's salted hash and when it stops working: its expiry, or the end of the grace period
   * after a rotation replaced it.
   */
  public record Credential(String salt, String hash, long issuedAt, long notAfter) {}

  public Share {
    tables = List.copyOf(tables);
    credentials = List.copyOf(credentials);
  }

  @JsonIgnore
  public boolean revoked() {
    return revokedAt > 0;
  }

  /** The newest credential's end: the token a profile file carries. */
  @JsonIgnore
  public long expiresAt() {
    return credentials.isEmpty() ? 0 : credentials.get(credentials.size() - 1).notAfter();
  }

  Share withCredentials(List<Credential> replaced) {
    return new Share(id, name, tenant, recipient, tables, createdAt, revokedAt, replaced);
  }

  Share revokedNow(long now) {
    return new Share(id, name, tenant, recipient, tables, createdAt, now, credentials);
  }

  /** The credentials after a rotation: the current ones end within the grace, the new one is added. */
  Share rotated(Credential fresh, long graceEnd) {
    List<Credential> next = new ArrayList<>();
    for (Credential c : credentials) {
      if (c.notAfter() > fresh.issuedAt()) {
        next.add(new Credential(c.salt(), c.hash(), c.issuedAt(), Math.min(c.notAfter(), graceEnd)));
      }
    }
    next.add(fresh);
    return withCredentials(next);
  }
}
