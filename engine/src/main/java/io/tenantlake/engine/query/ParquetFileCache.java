package io.tenantlake.engine.query;

import io.tenantlake.engine.delta.DataFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * A bounded local cache of the lake's Parquet data files, which are immutable (a rewrite makes a
 * new file under a new name), so a cached copy never goes stale. DuckDB's httpfs extension is not
 * available offline: files of an {@code s3a://} lake are fetched whole with the AWS SDK, verified
 * against the size the Delta log records, and kept under {@code <dir>/files}, least recently used
 * evicted first once the cache holds more than its bytes. Concurrent requests for a file that is
 * being fetched wait for that one fetch. Files of a local lake are hard-linked (a copy when the
 * lake is on another file system): read in place, with no second copy.
 *
 * <p>A query never reads the cache's names: {@link #linkInto} hard-links a file into the query's
 * own folder, so eviction during a query removes only the cache's name (the query's link keeps
 * the bytes until its folder is deleted), and no path of another file is ever in the query's
 * reach. Names are a hash of table and path: they say nothing about the tenant or the layout.
 */
public final class ParquetFileCache {
  private static final Logger log = LoggerFactory.getLogger(ParquetFileCache.class);

  private final Path filesDir;
  private final long maxBytes;
  private final URI storageRoot;
  private final S3AsyncClient s3;
  private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;
  private final AtomicLong fetches = new AtomicLong();
  private final AtomicLong hits = new AtomicLong();

  private record Entry(CompletableFuture<Path> file, long size) {}

  /**
   * @param s3 the client that reads an {@code s3a://} root; unused (may be null) for a local root
   */
  public ParquetFileCache(Path dir, long maxBytes, URI storageRoot, S3AsyncClient s3) {
    this.filesDir = dir.resolve("files");
    this.maxBytes = maxBytes;
    this.storageRoot = storageRoot;
    this.s3 = s3;
    if ("s3a".equals(storageRoot.getScheme()) && s3 == null) throw new IllegalArgumentException("an s3a:// lake needs an S3 client");
    try {
      // What an earlier run left is not accounted for: start empty.
      QueryFolder.deleteTree(filesDir);
      Files.createDirectories(filesDir);
    } catch (IOException e) {
      throw new UncheckedIOException("query cache: cannot prepare " + filesDir + ": " + e.getMessage(), e);
    }
  }

  /** The name a file has in the cache and in a query's folder. */
  static String nameOf(String table, DataFile file) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest((table + "/" + file.path()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16) + ".parquet";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Makes {@code target} a hard link to the cached copy of a table's file, fetching it first when
   * it is not cached, waiting at most until {@code deadlineNanos} (System.nanoTime).
   */
  public void linkInto(String table, DataFile file, Path target, long deadlineNanos)
      throws IOException, TimeoutException, InterruptedException {
    String name = nameOf(table, file);
    for (int attempt = 0; attempt < 3; attempt++) {
      Entry e = entry(table, file, name);
      Path cached;
      try {
        cached = e.file().get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException ex) {
        Throwable cause = ex.getCause();
        throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
      }
      synchronized (this) {
        // Evicted between the fetch and now: fetch again.
        if (entries.get(name) != e) continue;
        Files.createLink(target, cached);
        return;
      }
    }
    throw new IOException("file " + file.path() + " of " + table + " was evicted from the query cache three times running: "
        + "the cache (tenantlake.query.cache.max-bytes " + maxBytes + ") is too small for the queries running");
  }

  /** Starts fetching a file that is not cached yet, without waiting: a query's files are fetched at once. */
  public void prefetch(String table, DataFile file) {
    entry(table, file, nameOf(table, file));
  }

  private Entry entry(String table, DataFile file, String name) {
    CompletableFuture<Path> fetch;
    Entry e;
    synchronized (this) {
      e = entries.get(name);
      if (e != null) {
        hits.incrementAndGet();
        return e;
      }
      fetch = new CompletableFuture<>();
      e = new Entry(fetch, file.sizeBytes());
      entries.put(name, e);
      bytes += file.sizeBytes();
      evict();
    }
    fetches.incrementAndGet();
    Entry mine = e;
    fetch(table, file, filesDir.resolve(name)).whenComplete((path, err) -> {
      if (err != null) {
        synchronized (this) {
          if (entries.remove(name, mine)) bytes -= mine.size();
        }
        log.warn("query cache: cannot fetch {} of {}: {}", file.path(), table, err.toString());
        fetch.completeExceptionally(err);
      } else {
        fetch.complete(path);
      }
    });
    return e;
  }

  /** Evicts the least recently used fetched files until the cache fits (files being fetched stay). */
  private void evict() {
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<String, Entry> old = it.next();
      CompletableFuture<Path> f = old.getValue().file();
      if (!f.isDone() || f.isCompletedExceptionally()) continue;
      it.remove();
      bytes -= old.getValue().size();
      try {
        Files.deleteIfExists(f.join());
      } catch (IOException ex) {
        log.warn("query cache: cannot delete evicted {}: {}", f.join(), ex.toString());
      }
    }
  }

  private CompletableFuture<Path> fetch(String table, DataFile file, Path dest) {
    Path tmp = dest.resolveSibling(dest.getFileName() + "." + UUID.randomUUID() + ".tmp");
    CompletableFuture<?> copied;
    if ("s3a".equals(storageRoot.getScheme())) {
      String prefix = storageRoot.getPath() == null ? "" : storageRoot.getPath().replaceAll("^/+|/+$", "");
      String key = (prefix.isEmpty() ? "" : prefix + "/") + table + "/" + file.path();
      copied = s3.getObject(r -> r.bucket(storageRoot.getHost()).key(key), AsyncResponseTransformer.toFile(tmp));
    } else {
      copied = CompletableFuture.runAsync(() -> linkOrCopy(Path.of(storageRoot).resolve(table).resolve(file.path()), tmp));
    }
    return copied.thenApply(ignored -> {
      try {
        long size = Files.size(tmp);
        if (size != file.sizeBytes()) {
          Files.deleteIfExists(tmp);
          throw new IOException("file " + file.path() + " of " + table + " has " + size + " bytes, the Delta log says "
              + file.sizeBytes());
        }
        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return dest;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private static void linkOrCopy(Path source, Path tmp) {
    try {
      try {
        Files.createLink(tmp, source);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(source, tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes every cached file and query folder (a node's own temporary cache, when it stops). */
  public synchronized void deleteAll() {
    entries.clear();
    bytes = 0;
    try {
      QueryFolder.deleteTree(filesDir.getParent());
    } catch (IOException e) {
      log.warn("query cache: cannot remove {}: {}", filesDir.getParent(), e.toString());
    }
  }

  /** Bytes of files the cache holds or is fetching. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Files fetched from the lake since start, and requests answered from the cache. */
  public long fetches() {
    return fetches.get();
  }

  public long hits() {
    return hits.get();
  }
}
