package io.tenantlake.engine.query;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A query's own folder under {@code <cache dir>/q}: hard links to the files its views read, named
 * by hash, and nothing else. It is the only place the query's DuckDB may open, and is deleted when
 * the query ends.
 */
final class QueryFolder implements AutoCloseable {
  private final Path dir;

  private QueryFolder(Path dir) {
    this.dir = dir;
  }

  static QueryFolder create(Path cacheDir) throws IOException {
    return new QueryFolder(Files.createDirectories(cacheDir.resolve("q").resolve(UUID.randomUUID().toString())));
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() {
    try {
      deleteTree(dir);
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(QueryFolder.class).warn("query folder {} not deleted: {}", dir, e.toString());
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
