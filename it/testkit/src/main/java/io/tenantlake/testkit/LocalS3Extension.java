package io.tenantlake.testkit;

import java.net.URI;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * JUnit 5 extension around {@link LocalS3}:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalS3Extension S3 = new LocalS3Extension();
 * }</pre>
 *
 * Started once per class (static field), closed after it (its temporary folder deleted).
 * Parameters of type {@link LocalS3} are injected.
 */
public final class LocalS3Extension extends ServerExtension<LocalS3> {
  /** Filesystem backend in a temporary folder, free port. */
  public LocalS3Extension() {
    this(LocalS3::start);
  }

  /** E.g. {@code new LocalS3Extension(() -> LocalS3.builder().inMemory().start())}. */
  public LocalS3Extension(Supplier<LocalS3> starter) {
    super(LocalS3.class, starter);
  }

  public URI endpoint() {
    return get().endpoint();
  }

  public S3Client client() {
    return get().client();
  }

  public void createBucket(String name) {
    get().createBucket(name);
  }

  public Map<String, String> s3aSettings() {
    return get().s3aSettings();
  }
}
