package io.tenantlake.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BearerTokensTest {
  @Test
  void acceptsOnlyConfiguredTokensWithTheBearerScheme() {
    BearerTokens tokens = BearerTokens.of("producer", List.of("s3cret-one", "s3cret-two"));
    assertThat(tokens.check(Optional.of("Bearer s3cret-one"))).isEmpty();
    assertThat(tokens.check(Optional.of("bearer s3cret-two"))).isEmpty();
    assertThat(tokens.check(Optional.of("Bearer s3cret-on"))).contains("unknown producer token");
    assertThat(tokens.check(Optional.of("Bearer s3cret-one-and-more"))).contains("unknown producer token");
    assertThat(tokens.check(Optional.of("Basic s3cret-one"))).contains("the Authorization header must use the Bearer scheme");
    assertThat(tokens.check(Optional.of("s3cret-one"))).contains("the Authorization header must use the Bearer scheme");
    assertThat(tokens.check(Optional.empty())).hasValueSatisfying(r -> assertThat(r).startsWith("missing bearer token"));
  }

  @Test
  void neverShowsATokenAndRefusesBlankOnes() {
    BearerTokens tokens = BearerTokens.of("admin", List.of("very-secret-value"));
    assertThat(tokens.toString()).isEqualTo("BearerTokens[admin: 1 token(s)]");
    assertThatThrownBy(() -> BearerTokens.of("producer", List.of(" "))).hasMessage("a producer token is blank");
    assertThatThrownBy(() -> BearerTokens.of("producer", List.of("x "))).hasMessageContaining("white space");
    assertThat(BearerTokens.of("producer", List.of()).check(Optional.of("Bearer anything")))
        .contains("no producer tokens are configured on this node");
  }

  @Test
  void readsTheListAndTheSingleTokenOfItsKind() {
    var auth = ConfigFactory.parseString("producer-tokens = [\"a-token\"], producer-token = \"env-token\", admin-tokens = []");
    BearerTokens producers = BearerTokens.fromConfig(auth, "producer");
    assertThat(producers.size()).isEqualTo(2);
    assertThat(producers.matches("env-token")).isTrue();
    assertThat(BearerTokens.fromConfig(auth, "admin").isEmpty()).isTrue();
    var noEnv = ConfigFactory.parseString("producer-tokens = [\"a-token\"], producer-token = \"\"");
    assertThat(BearerTokens.fromConfig(noEnv, "producer").size()).isEqualTo(1);
  }
}
