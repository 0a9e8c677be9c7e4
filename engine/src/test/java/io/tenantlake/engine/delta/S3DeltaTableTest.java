package io.tenantlake.engine.delta;

import io.tenantlake.testkit.LocalS3;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same contract on S3 (S3Proxy over S3A), read back by Delta Kernel through S3A too. */
class S3DeltaTableTest extends DeltaTableContract {
  static LocalS3 s3;
  static DeltaStorage storage;

  @BeforeAll
  static void start() {
    s3 = LocalS3.start();
    s3.createBucket("lake");
    storage = DeltaStorage.s3("lake", "region-eu", s3.s3aSettings());
  }

  @AfterAll
  static void stop() {
    if (s3 != null) s3.close();
  }

  @Override
  DeltaStorage storage() {
    return storage;
  }

  @Override
  Map<String, String> readerProperties() {
    return s3.s3aSettings();
  }
}
