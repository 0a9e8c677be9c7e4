package io.tenantlake.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * S3Proxy in this JVM on 127.0.0.1 (free port unless told otherwise), with the filesystem backend in
 * a folder (a temporary one, deleted on close, unless {@link Builder#dataDir(Path)} names one), or the
 * in-memory backend ({@link Builder#inMemory()}). AWS signatures V2/V4 with fixed credentials
 * {@value #ACCESS_KEY} / {@value #SECRET_KEY}; clients must use path-style addressing.
 *
 * <pre>{@code
 * try (LocalS3 s3 = LocalS3.start()) {
 *   s3.createBucket("lake");
 *   s3.client().putObject(b -> b.bucket("lake").key("a"), RequestBody.fromString("x"));
 *   Map<String, String> hadoop = s3.s3aSettings();   // for s3a://lake/... tables
 * }
 * }</pre>
 */
public final class LocalS3 implements AutoCloseable {
  public static final String REGION = "us-east-1";
  public static final String ACCESS_KEY = "tenantlake";
  public static final String SECRET_KEY = "tenantlake-secret";

  private static final Logger log = LoggerFactory.getLogger(LocalS3.class);

  private final S3Proxy proxy;
  private final BlobStore blobStore;
  private final Path dataDir;
  private final boolean deleteDataDir;
  private final URI endpoint;
  private final Object clientLock = new Object();
  private S3Client client;
  private boolean closed;

  private LocalS3(S3Proxy proxy, BlobStore blobStore, Path dataDir, boolean deleteDataDir) {
    this.proxy = proxy;
    this.blobStore = blobStore;
    this.dataDir = dataDir;
    this.deleteDataDir = deleteDataDir;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Filesystem backend in a temporary folder, free port. */
  public static LocalS3 start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options; everything optional. */
  public static final class Builder {
    private int port;
    private Path dataDir;
    private boolean inMemory;

    private Builder() {}

    /** 0 (the default) picks a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Keep buckets as folders here (not deleted on close); default: a temporary folder. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      this.inMemory = false;
      return this;
    }

    /** S3Proxy's "transient" backend: everything in memory. */
    public Builder inMemory() {
      this.inMemory = true;
      this.dataDir = null;
      return this;
    }

    public LocalS3 start() {
      Path dir = null;
      boolean temporary = false;
      Properties props = new Properties();
      props.setProperty("jclouds.identity", ACCESS_KEY);
      props.setProperty("jclouds.credential", SECRET_KEY);
      try {
        if (!inMemory) {
          if (dataDir != null) {
            dir = Files.createDirectories(dataDir).toAbsolutePath();
          } else {
            dir = Files.createTempDirectory("tenantlake-s3-");
            temporary = true;
          }
          props.setProperty("jclouds.filesystem.basedir", dir.toString());
        }
        BlobStore store = BlobStores.create(inMemory ? "transient" : "filesystem", props);
        S3Proxy proxy = S3Proxy.builder()
            .blobStore(store)
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .ignoreUnknownHeaders(true)
            .stopTimeout(1_000)
            .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
          if (System.nanoTime() > deadline) {
            proxy.stop();
            throw new IllegalStateException("S3Proxy not started after 30 s: " + proxy.getState());
          }
          Thread.sleep(10);
        }
        LocalS3 s3 = new LocalS3(proxy, store, dir, temporary);
        log.info("S3Proxy listening on {} ({})", s3.endpoint, dir == null ? "in memory" : "data in " + dir);
        return s3;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start S3Proxy", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting S3Proxy", e);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("cannot start S3Proxy: " + e.getMessage(), e);
      }
    }
  }

  /** {@code http://127.0.0.1:<port>} */
  public URI endpoint() {
    return endpoint;
  }

  public int port() {
    return endpoint.getPort(); // S3Proxy's own answer turns negative once stopped
  }

  /** The filesystem backend's folder (one sub-folder per bucket), or null when in memory. */
  public Path dataDir() {
    return dataDir;
  }

  public static StaticCredentialsProvider credentialsProvider() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /** A fresh builder: region, credentials, endpoint, path-style; the caller closes what it builds. */
  public S3ClientBuilder clientBuilder() {
    return S3Client.builder()
        .region(Region.of(REGION))
        .credentialsProvider(credentialsProvider())
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .httpClientBuilder(Apache5HttpClient.builder());
  }

  /** A fresh async builder: region, credentials, endpoint, path-style. */
  public S3AsyncClientBuilder asyncClientBuilder() {
    return S3AsyncClient.builder()
        .region(Region.of(REGION))
        .credentialsProvider(credentialsProvider())
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .httpClientBuilder(NettyNioAsyncHttpClient.builder());
  }

  /** A shared client, closed with this server. */
  public S3Client client() {
    synchronized (clientLock) {
      if (client == null) {
        client = clientBuilder().build();
      }
      return client;
    }
  }

  /** Creates the bucket unless it exists. */
  public void createBucket(String name) {
    try {
      client().createBucket(b -> b.bucket(name));
    } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException exists) {
      log.debug("bucket {} exists already", name);
    }
  }

  /**
   * The Hadoop settings that make {@code s3a://bucket/...} paths (a Delta table's, say) use this
   * server: put each into the Hadoop {@code Configuration}. Keys: {@code fs.s3a.impl},
   * {@code fs.s3a.endpoint}, {@code fs.s3a.endpoint.region}, {@code fs.s3a.path.style.access},
   * {@code fs.s3a.connection.ssl.enabled}, {@code fs.s3a.aws.credentials.provider},
   * {@code fs.s3a.access.key}, {@code fs.s3a.secret.key}, {@code fs.s3a.change.detection.mode},
   * {@code fs.s3a.bucket.probe}.
   */
  public Map<String, String> s3aSettings() {
    return s3aSettings(endpoint);
  }

  /** {@link #s3aSettings()} for a server at {@code endpoint} with this class's credentials. */
  public static Map<String, String> s3aSettings(URI endpoint) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
    s.put("fs.s3a.endpoint", endpoint.toString());
    s.put("fs.s3a.endpoint.region", REGION);
    s.put("fs.s3a.path.style.access", "true");
    s.put("fs.s3a.connection.ssl.enabled", "false");
    s.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    s.put("fs.s3a.access.key", ACCESS_KEY);
    s.put("fs.s3a.secret.key", SECRET_KEY);
    // S3Proxy has no object versions; ETag checks on reopen are of no use against a local store
    s.put("fs.s3a.change.detection.mode", "none");
    s.put("fs.s3a.bucket.probe", "0");
    return Collections.unmodifiableMap(s);
  }

  /** {@code s3a://bucket/path} */
  public static String s3aUri(String bucket, String path) {
    return "s3a://" + bucket + "/" + (path.startsWith("/") ? path.substring(1) : path);
  }

  /** Stops the server (and deletes the temporary data folder, if it made one). Idempotent. */
  @Override
  public void close() {
    synchronized (clientLock) {
      if (closed) {
        return;
      }
      closed = true;
      if (client != null) {
        client.close();
        client = null;
      }
    }
    try {
      proxy.stop();
    } catch (Exception e) {
      log.warn("S3Proxy on {} did not stop cleanly", endpoint, e);
    }
    try {
      blobStore.close();
    } catch (RuntimeException e) {
      log.debug("closing the blob store", e);
    }
    if (deleteDataDir && dataDir != null) {
      deleteRecursively(dataDir);
    }
    log.info("S3Proxy on {} stopped", endpoint);
  }

  private static void deleteRecursively(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      log.warn("could not delete {}", dir, e);
    }
  }

  @Override
  public String toString() {
    return "LocalS3[" + endpoint + (dataDir == null ? ", in memory" : ", " + dataDir) + "]";
  }
}
