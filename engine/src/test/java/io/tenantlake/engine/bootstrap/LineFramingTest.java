package io.tenantlake.engine.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** NDJSON framing: line ends, blank lines, a last line without newline, overlong lines. */
class LineFramingTest {
  static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("line-framing-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /** Frames as text ("!" + reason for problems), the input cut into chunks of {@code chunk} bytes. */
  static List<String> frame(int max, String text, int chunk) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    List<ByteString> chunks = new ArrayList<>();
    for (int i = 0; i < bytes.length; i += chunk) chunks.add(ByteString.fromArray(bytes, i, Math.min(chunk, bytes.length - i)));
    return Source.from(chunks).via(LineFraming.flow(max)).runWith(Sink.seq(), system)
        .toCompletableFuture().get(10, TimeUnit.SECONDS)
        .stream().map(f -> f.isProblem() ? "!" + f.problem() : f.data().utf8String()).toList();
  }

  @Test
  void linesWhateverTheChunks() throws Exception {
    String text = "{\"a\":1}\r\n\n  \n{\"b\":\"ü\"}\n{\"c\":3}";
    for (int chunk = 1; chunk <= text.length() + 1; chunk++) {
      assertThat(frame(100, text, chunk)).as("chunk %d", chunk).containsExactly("{\"a\":1}", "{\"b\":\"ü\"}", "{\"c\":3}");
    }
  }

  @Test
  void anOverlongLineIsOneProblemAndReadingGoesOn() throws Exception {
    String text = "short\n" + "x".repeat(50) + "\nnext\n" + "y".repeat(25) + "\nlast";
    for (int chunk : new int[] {1, 3, 7, 64, 1000}) {
      List<String> frames = frame(20, text, chunk);
      assertThat(frames).as("chunk %d", chunk).hasSize(5);
      assertThat(frames.get(0)).isEqualTo("short");
      assertThat(frames.get(1)).startsWith("!line is longer than the maximum of 20 bytes");
      assertThat(frames.get(2)).isEqualTo("next");
      assertThat(frames.get(3)).startsWith("!line is longer");
      assertThat(frames.get(4)).isEqualTo("last");
    }
  }

  @Test
  void aLineOfExactlyTheMaximumIsFine() throws Exception {
    assertThat(frame(5, "12345\n12345\r\n12345", 2)).containsExactly("12345", "12345", "12345");
  }
}
