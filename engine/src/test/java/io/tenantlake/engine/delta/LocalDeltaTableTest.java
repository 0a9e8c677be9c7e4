package io.tenantlake.engine.delta;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

class LocalDeltaTableTest extends DeltaTableContract {
  @TempDir static Path dir;

  @Override
  DeltaStorage storage() {
    return DeltaStorage.local(dir);
  }

  @Override
  Map<String, String> readerProperties() {
    return Map.of();
  }
}
