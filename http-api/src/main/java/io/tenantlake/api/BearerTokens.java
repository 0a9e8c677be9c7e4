package io.tenantlake.api;

import com.typesafe.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A set of bearer tokens of one kind (producer now; tenant and admin tokens later) and the check
 * of an {@code Authorization} header against them.
 *
 * <p>Only SHA-256 digests of the tokens are kept, and a presented token is compared with every
 * digest with {@link MessageDigest#isEqual} (constant time, equal lengths), so neither the time
 * taken nor an early exit tells how much of a token matched or how long the real one is.
 * Tokens are never logged nor printed ({@link #toString()} shows the count).
 */
public final class BearerTokens {
  private static final String SCHEME = "bearer";

  private final String kind;
  private final List<byte[]> digests;

  private BearerTokens(String kind, List<byte[]> digests) {
    this.kind = kind;
    this.digests = List.copyOf(digests);
  }

  /** Blank tokens are refused: an empty secret would let anyone in. Duplicates are harmless. */
  public static BearerTokens of(String kind, Collection<String> tokens) {
    List<byte[]> digests = new ArrayList<>();
    for (String token : tokens) {
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("a " + kind + " token is blank");
      }
      if (!token.strip().equals(token)) {
        throw new IllegalArgumentException("a " + kind + " token has leading or trailing white space");
      }
      digests.add(sha256(token));
    }
    return new BearerTokens(kind, digests);
  }

  /**
   * The tokens of {@code <kind>-tokens} (a list) plus {@code <kind>-token} (one, e.g. from an
   * environment variable; ignored when empty) of the {@code tenantlake.auth} block.
   */
  public static BearerTokens fromConfig(Config auth, String kind) {
    List<String> tokens = new ArrayList<>(auth.getStringList(kind + "-tokens"));
    if (auth.hasPath(kind + "-token") && !auth.getString(kind + "-token").isEmpty()) {
      tokens.add(auth.getString(kind + "-token"));
    }
    return of(kind, tokens);
  }

  public String kind() {
    return kind;
  }

  public int size() {
    return digests.size();
  }

  public boolean isEmpty() {
    return digests.isEmpty();
  }

  /**
   * Empty when the header carries one of the tokens; otherwise why not, fit to show the caller
   * (it never repeats the token).
   *
   * @param authorization the {@code Authorization} header's value, if any
   */
  public Optional<String> check(Optional<String> authorization) {
    if (authorization.isEmpty() || authorization.get().isBlank()) {
      return Optional.of("missing bearer token: send \"Authorization: Bearer <" + kind + " token>\"");
    }
    String value = authorization.get().strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return Optional.of("the Authorization header must use the Bearer scheme");
    }
    String token = value.substring(space + 1).strip();
    if (digests.isEmpty()) {
      return Optional.of("no " + kind + " tokens are configured on this node");
    }
    return matches(token) ? Optional.empty() : Optional.of("unknown " + kind + " token");
  }

  /** Whether the token is one of the set; constant time in the set's size. */
  public boolean matches(String token) {
    byte[] presented = sha256(token);
    boolean found = false;
    for (byte[] digest : digests) {
      found |= MessageDigest.isEqual(presented, digest); // no early exit
    }
    return found;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "BearerTokens[" + kind + ": " + digests.size() + " token(s)]";
  }
}
