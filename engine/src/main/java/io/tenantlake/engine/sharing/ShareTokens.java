package io.tenantlake.engine.sharing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Recipient bearer tokens: {@code tls1.<share id>.<secret>}, the secret 32 random bytes (256 bits)
 * from {@link SecureRandom}. The share id lets a node find the share without trying every
 * stored hash; only {@code SHA-256(salt || secret)} is stored, with a random 16-byte salt per
 * token, and a presented token is compared with {@link MessageDigest#isEqual} (constant time).
 * Tokens are never logged: nothing here has a {@code toString} that shows one.
 */
public final class ShareTokens {
  private static final String PREFIX = "tls1.";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  /** The longest token we look at: anything longer is garbage, refused before hashing. */
  static final int MAX_TOKEN_LENGTH = 200;

  private ShareTokens() {}

  /** A new token for the share and the credential (salted hash) to store for it. */
  public record Issued(String token, Share.Credential credential) {}

  public static Issued issue(String shareId, long now, long notAfter) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    String token = PREFIX + shareId + "." + B64.encodeToString(secret);
    return new Issued(token, new Share.Credential(B64.encodeToString(salt), B64.encodeToString(hash(salt, secret)), now, notAfter));
  }

  /** The share id a token names, if it has the token's shape; says nothing about its validity. */
  public static Optional<String> shareIdOf(String token) {
    if (token == null || token.length() > MAX_TOKEN_LENGTH || !token.startsWith(PREFIX)) return Optional.empty();
    int dot = token.indexOf('.', PREFIX.length());
    if (dot < 0) return Optional.empty();
    String id = token.substring(PREFIX.length(), dot);
    return ShareStore.ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
  }

  /**
   * Whether the token is one of the share's credentials that still works at {@code now}. Every
   * credential is compared, whatever matched: the time taken does not tell which one did.
   */
  public static boolean matches(Share share, String token, long now) {
    Optional<String> id = shareIdOf(token);
    if (id.isEmpty() || !id.get().equals(share.id())) return false;
    byte[] secret;
    try {
      secret = B64D.decode(token.substring(PREFIX.length() + share.id().length() + 1));
    } catch (IllegalArgumentException e) {
      return false;
    }
    boolean ok = false;
    for (Share.Credential c : share.credentials()) {
      byte[] presented = hash(B64D.decode(c.salt()), secret);
      boolean same = MessageDigest.isEqual(presented, B64D.decode(c.hash()));
      ok |= same && now < c.notAfter();
    }
    return ok;
  }

  private static byte[] hash(byte[] salt, byte[] secret) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(salt);
      d.update(secret);
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh random share id (16 bytes, URL-safe). */
  static String newShareId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return B64.encodeToString(b).replace('-', 'x').replace('_', 'y');
  }
}
