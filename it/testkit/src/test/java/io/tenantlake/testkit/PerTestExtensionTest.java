package io.tenantlake.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** On an instance field, the extension starts a server per test and stops it after the test. */
class PerTestExtensionTest {
  private static final List<LocalS3> seen = new ArrayList<>();

  @RegisterExtension
  final LocalS3Extension s3 = new LocalS3Extension(() -> LocalS3.builder().inMemory().start());

  @Test
  void one(LocalS3 server) {
    seen.add(server);
    assertThat(server).isSameAs(s3.get());
  }

  @Test
  void two(LocalS3 server) {
    seen.add(server);
  }

  @AfterAll
  static void eachTestHadItsOwnServerAndItIsStopped() {
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).isNotSameAs(seen.get(1));
    for (LocalS3 s : seen) {
      assertThat(Loopback.accepts("127.0.0.1", s.port())).isFalse();
    }
  }
}
