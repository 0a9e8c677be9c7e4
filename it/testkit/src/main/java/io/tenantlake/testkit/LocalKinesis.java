package io.tenantlake.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * kinesalite (the npm Kinesis emulator) as a child {@code node} process, on 127.0.0.1 only, on a free
 * port unless told otherwise; in memory, or in LevelDB under {@link Builder#dataDir(Path)}.
 *
 * <pre>{@code
 * try (LocalKinesis kinesis = LocalKinesis.start()) {
 *   kinesis.createStream("events", 2);
 *   KinesisAsyncClient client = kinesis.asyncClient();
 *   ...
 * }
 * }</pre>
 *
 * <p>Clients it builds talk JSON, not CBOR (kinesalite and SDK v2 disagree on CBOR): it sets the
 * system property {@code aws.cborEnabled=false}, which the SDK reads when a Kinesis client is built.
 * The node process (and its children) is stopped on {@link #close()} and on JVM exit, and exits by
 * itself if this JVM dies (its stdin closes).
 */
public final class LocalKinesis implements AutoCloseable {
  public static final String REGION = "us-east-1";
  public static final String ACCESS_KEY = "tenantlake";
  public static final String SECRET_KEY = "tenantlake-secret";

  private static final Logger log = LoggerFactory.getLogger(LocalKinesis.class);
  private static final Pattern LISTENING = Pattern.compile("^KINESALITE_LISTENING .*\"port\":(\\d+).*$");

  private final ChildProcess child;
  private final int port;
  private final URI endpoint;
  private final Path dataDir;
  private final Object clientsLock = new Object();
  private KinesisClient client;
  private KinesisAsyncClient asyncClient;

  private LocalKinesis(ChildProcess child, int port, Path dataDir) {
    this.child = child;
    this.port = port;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.dataDir = dataDir;
  }

  /** In memory, on a free port, log under {@code <checkout>/target/}. */
  public static LocalKinesis start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options; everything optional. */
  public static final class Builder {
    private int port;
    private Path dataDir;
    private Path logFile;
    private Path home;
    private Duration startTimeout = Duration.ofSeconds(60);
    private int shardLimit = 100;
    private int streamTransitionMs = 50;

    private Builder() {}

    /** 0 (the default) picks a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Keep the streams in LevelDB under this folder (kept after close); default: in memory. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** Where node's output goes; default {@code target/kinesalite-<time>-<pid>.log} (the module's, else the checkout's). */
    public Builder logFile(Path logFile) {
      this.logFile = logFile;
      return this;
    }

    /** The checkout's root; default {@link TenantlakeHome#find()}. */
    public Builder home(Path home) {
      this.home = home;
      return this;
    }

    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = Objects.requireNonNull(startTimeout);
      return this;
    }

    /** Open shards allowed in all (kinesalite's limit; default 100). */
    public Builder shardLimit(int shardLimit) {
      this.shardLimit = shardLimit;
      return this;
    }

    /** How long a stream stays CREATING, DELETING or UPDATING (default 50 ms). */
    public Builder streamTransitionMs(int ms) {
      this.streamTransitionMs = ms;
      return this;
    }

    public LocalKinesis start() {
      Path root = home != null ? home.toAbsolutePath().normalize() : TenantlakeHome.find();
      TenantlakeHome.ensureNodeModules(root);
      Path logPath = logFile != null ? logFile
          : TenantlakeHome.targetDir(root).resolve("kinesalite-" + System.currentTimeMillis() + "-"
              + ProcessHandle.current().pid() + ".log");
      List<String> command = new ArrayList<>(List.of(
          "node", root.resolve("bin/kinesalite-loopback.js").toString(),
          "--host", "127.0.0.1",
          "--port", Integer.toString(port),
          "--createStreamMs", Integer.toString(streamTransitionMs),
          "--deleteStreamMs", Integer.toString(streamTransitionMs),
          "--updateStreamMs", Integer.toString(streamTransitionMs),
          "--shardLimit", Integer.toString(shardLimit),
          "--exit-on-stdin-close"));
      if (dataDir != null) {
        try {
          java.nio.file.Files.createDirectories(dataDir);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        command.add("--path");
        command.add(dataDir.toAbsolutePath().toString());
      }
      try {
        ChildProcess child = ChildProcess.start("kinesalite", command, root, logPath,
            line -> LISTENING.matcher(line).matches());
        String line = child.awaitReady(startTimeout);
        Matcher m = LISTENING.matcher(line);
        if (!m.matches()) {
          throw new IllegalStateException("unexpected line from kinesalite: " + line);
        }
        LocalKinesis kinesis = new LocalKinesis(child, Integer.parseInt(m.group(1)), dataDir);
        log.info("kinesalite listening on {} (pid {}, {}, log {})", kinesis.endpoint, child.pid(),
            dataDir == null ? "in memory" : "data in " + dataDir, logPath);
        return kinesis;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start kinesalite: " + e.getMessage(), e);
      }
    }
  }

  /** {@code http://127.0.0.1:<port>} */
  public URI endpoint() {
    return endpoint;
  }

  public int port() {
    return port;
  }

  /** The node process's pid. */
  public long pid() {
    return child.pid();
  }

  public boolean isRunning() {
    return child.isAlive();
  }

  public Path logFile() {
    return child.logFile();
  }

  /** The LevelDB folder, or null when in memory. */
  public Path dataDir() {
    return dataDir;
  }

  /** Static credentials that the emulator accepts (it accepts any). */
  public static StaticCredentialsProvider credentialsProvider() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /** Turns CBOR off for Kinesis clients built from now on in this JVM. */
  public static void disableCbor() {
    System.setProperty("aws.cborEnabled", "false");
  }

  /** A fresh builder for this emulator: region, credentials, endpoint, CBOR off; the caller closes what it builds. */
  public KinesisClientBuilder clientBuilder() {
    disableCbor();
    return KinesisClient.builder()
        .region(Region.of(REGION))
        .credentialsProvider(credentialsProvider())
        .endpointOverride(endpoint)
        .httpClientBuilder(Apache5HttpClient.builder());
  }

  /**
   * A fresh async builder for this emulator: region, credentials, endpoint, CBOR off, Netty on
   * HTTP/1.1 (kinesalite has no HTTP/2, so no SubscribeToShard either).
   */
  public KinesisAsyncClientBuilder asyncClientBuilder() {
    disableCbor();
    return KinesisAsyncClient.builder()
        .region(Region.of(REGION))
        .credentialsProvider(credentialsProvider())
        .endpointOverride(endpoint)
        // the SDK asks for HTTP/2 for Kinesis (for SubscribeToShard); kinesalite speaks HTTP/1.1 only
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1));
  }

  /** A shared client, closed with this emulator. */
  public KinesisClient client() {
    synchronized (clientsLock) {
      if (client == null) {
        client = clientBuilder().build();
      }
      return client;
    }
  }

  /** A shared async client, closed with this emulator. */
  public KinesisAsyncClient asyncClient() {
    synchronized (clientsLock) {
      if (asyncClient == null) {
        asyncClient = asyncClientBuilder().build();
      }
      return asyncClient;
    }
  }

  /** Creates the stream (if it does not exist yet) and waits until it is ACTIVE. */
  public void createStream(String name, int shards) {
    try {
      client().createStream(b -> b.streamName(name).shardCount(shards));
    } catch (ResourceInUseException exists) {
      log.debug("stream {} exists already", name);
    }
    awaitStatus(name, StreamStatus.ACTIVE, Duration.ofSeconds(30));
  }

  /** Deletes the stream and waits until it is gone. */
  public void deleteStream(String name) {
    try {
      client().deleteStream(b -> b.streamName(name).enforceConsumerDeletion(true));
    } catch (ResourceNotFoundException gone) {
      return;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        client().describeStreamSummary(b -> b.streamName(name));
      } catch (ResourceNotFoundException gone) {
        return;
      }
      sleep(20);
    }
    throw new IllegalStateException("stream " + name + " still exists 30 s after DeleteStream");
  }

  /** Waits until the stream has the status (e.g. ACTIVE after a split or merge). */
  public void awaitStatus(String name, StreamStatus status, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    StreamStatus last = null;
    while (System.nanoTime() < deadline) {
      last = client().describeStreamSummary(b -> b.streamName(name))
          .streamDescriptionSummary().streamStatus();
      if (last == status) {
        return;
      }
      sleep(20);
    }
    throw new IllegalStateException("stream " + name + " is " + last + ", not " + status + ", after " + timeout);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Closes the shared clients and stops the node process tree. Idempotent. */
  @Override
  public void close() {
    synchronized (clientsLock) {
      if (client != null) {
        client.close();
        client = null;
      }
      if (asyncClient != null) {
        asyncClient.close();
        asyncClient = null;
      }
    }
    child.close();
    log.info("kinesalite on {} stopped", endpoint);
  }

  @Override
  public String toString() {
    return "LocalKinesis[" + endpoint + ", pid " + child.pid() + "]";
  }
}
