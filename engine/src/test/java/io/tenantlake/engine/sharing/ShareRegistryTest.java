package io.tenantlake.engine.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenantlake.engine.delta.DeltaStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shares on a local control area with a test clock: tokens, expiry, rotation grace, revocation. */
class ShareRegistryTest {
  @TempDir Path dir;
  final AtomicLong now = new AtomicLong(1_000_000);

  SharingSettings settings() {
    return new SharingSettings(Optional.empty(), Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofDays(1),
        Duration.ofDays(10), 100, Duration.ZERO, List.of());
  }

  ShareRegistry registry(DeltaStorage storage) {
    return new ShareRegistry(new ShareStore(storage, Duration.ZERO, now::get), storage, settings(), List.of("jira_issues"), now::get);
  }

  @Test
  void aTokenOpensItsShareUntilItExpires() {
    ShareRegistry r = registry(DeltaStorage.local(dir));
    ShareRegistry.Created c = r.create("acme", "bi", List.of(), Optional.of(Duration.ofSeconds(60)));
    assertThat(c.token()).startsWith("tls1." + c.share().id() + ".");
    assertThat(c.token().length()).isGreaterThanOrEqualTo(5 + c.share().id().length() + 1 + 43);
    assertThat(r.authenticate(c.token())).map(Share::tenant).contains("acme");
    now.addAndGet(59_999);
    assertThat(r.authenticate(c.token())).isPresent();
    now.addAndGet(1);
    assertThat(r.authenticate(c.token())).isEmpty();
  }

  @Test
  void garbageAndAlteredTokensOpenNothing() {
    ShareRegistry r = registry(DeltaStorage.local(dir));
    String token = r.create("acme", "bi", List.of(), Optional.empty()).token();
    for (String bad : List.of("", "x", "tls1.", "tls1.abc", token + "A", token.substring(0, token.length() - 1) + "B",
        token.replace("tls1.", "tls2."), "tls1.../../etc." + "A".repeat(43), "t".repeat(10_000))) {
      assertThat(r.authenticate(bad)).as(bad.length() > 60 ? bad.substring(0, 60) : bad).isEmpty();
    }
  }

  @Test
  void aRotatedTokenWorksForTheGraceOnlyAndRevocationIsAtOnce() {
    DeltaStorage storage = DeltaStorage.local(dir);
    ShareRegistry r = registry(storage);
    ShareRegistry.Created first = r.create("acme", "bi", List.of(), Optional.empty());
    ShareRegistry.Created second = r.rotate(first.share(), Optional.empty());
    assertThat(r.authenticate(first.token())).isPresent();
    assertThat(r.authenticate(second.token())).isPresent();
    now.addAndGet(30_000);
    assertThat(r.authenticate(first.token())).isEmpty();
    assertThat(r.authenticate(second.token())).isPresent();
    // Another node's registry on the same control area sees the same share.
    ShareRegistry other = registry(storage);
    assertThat(other.authenticate(second.token())).isPresent();
    r.revoke(second.share());
    assertThat(r.authenticate(second.token())).isEmpty();
    // The other node trusts its copy for the cache TTL (0 here), then reads the revocation.
    now.addAndGet(1);
    assertThat(other.authenticate(second.token())).isEmpty();
  }

  @Test
  void theStoreHoldsNoToken() throws Exception {
    ShareRegistry r = registry(DeltaStorage.local(dir));
    String token = r.create("acme", "bi", List.of(), Optional.empty()).token();
    String secret = token.substring(token.lastIndexOf('.') + 1);
    try (var files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) assertThat(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret);
    }
  }

  @Test
  void badRequestsAreRefusedWithTheirReason() {
    ShareRegistry r = registry(DeltaStorage.local(dir));
    assertThatThrownBy(() -> r.create("acme", "../x", List.of(), Optional.empty())).hasMessageContaining("recipient");
    assertThatThrownBy(() -> r.create("acme", "bi", List.of("raw.jira_issues"), Optional.empty())).hasMessageContaining("schema");
    assertThatThrownBy(() -> r.create("acme", "bi", List.of("users"), Optional.empty())).hasMessageContaining("not a refined model");
    assertThatThrownBy(() -> r.create("acme", "bi", List.of(), Optional.of(Duration.ofDays(11)))).hasMessageContaining("expires_in");
    r.create("acme", "bi", List.of("jira_issues"), Optional.empty());
    assertThatThrownBy(() -> r.create("acme", "bi", List.of(), Optional.empty())).hasMessageContaining("already shares");
    assertThat(r.create("other", "bi", List.of(), Optional.empty()).share().tenant()).isEqualTo("other");
  }
}
