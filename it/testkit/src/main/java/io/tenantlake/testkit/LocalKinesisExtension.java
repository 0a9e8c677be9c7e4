package io.tenantlake.testkit;

import java.net.URI;
import java.util.function.Supplier;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * JUnit 5 extension around {@link LocalKinesis}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalKinesisExtension KINESIS = new LocalKinesisExtension();
 *
 * @Test void reads() { KINESIS.createStream("s", 2); KINESIS.asyncClient()... }
 * }</pre>
 *
 * Started once per class (static field), closed after it. Parameters of type {@link LocalKinesis}
 * are injected.
 */
public final class LocalKinesisExtension extends ServerExtension<LocalKinesis> {
  /** In memory, free port. */
  public LocalKinesisExtension() {
    this(LocalKinesis::start);
  }

  /** E.g. {@code new LocalKinesisExtension(() -> LocalKinesis.builder().dataDir(dir).start())}. */
  public LocalKinesisExtension(Supplier<LocalKinesis> starter) {
    super(LocalKinesis.class, starter);
  }

  public URI endpoint() {
    return get().endpoint();
  }

  public KinesisClient client() {
    return get().client();
  }

  public KinesisAsyncClient asyncClient() {
    return get().asyncClient();
  }

  public void createStream(String name, int shards) {
    get().createStream(name, shards);
  }
}
