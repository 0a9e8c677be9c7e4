package io.tenantlake.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tenantlake.api.TenantlakeMain;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.raw.Positions;
import io.tenantlake.proto.EventJson;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.EventBatch;
import io.tenantlake.testkit.LocalKinesis;
import io.tenantlake.testkit.LocalS3;
import io.tenantlake.testkit.NodeProcess;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole local deployment for integration tests: kinesalite and S3Proxy, an intake node in this
 * JVM, and an engine node (role ingest) in its own JVM that a test may kill with SIGKILL. Tables
 * live on S3 (S3Proxy, through S3A), as in production.
 */
public final class LocalLake implements AutoCloseable {
  static final String TOKEN = "it-producer-token";
  public static final String ADMIN_TOKEN = "it-admin-token";
  // Hadoop caches one S3A file system per bucket and JVM, bound to the endpoint it first saw: each
  // lake gets a bucket of its own, so two lakes in one JVM never share a stale file system.
  private static final java.util.concurrent.atomic.AtomicInteger LAKES = new java.util.concurrent.atomic.AtomicInteger();
  final String lakeBucket = "lake-" + ProcessHandle.current().pid() + "-" + LAKES.incrementAndGet();
  static final String CLAIM_BUCKET = "claims";
  static final List<String> STREAMS = List.of("tenantlake-jira", "tenantlake-identity", "tenantlake-confluence");
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public final LocalKinesis kinesis;
  final LocalS3 s3;
  final DeltaStorage storage;
  private final String prefix;
  private final Path logDir;
  private final TenantlakeMain.Node intake;
  private final URI intakeUri;
  private NodeProcess engine;
  private final List<Engine> engines = new java.util.concurrent.CopyOnWriteArrayList<>();
  private int enginePort;
  private int engineStarts;

  public LocalLake(String prefix, int shards, Path logDir) throws Exception {
    this.prefix = prefix;
    this.logDir = logDir;
    kinesis = LocalKinesis.start();
    s3 = LocalS3.start();
    s3.createBucket(lakeBucket);
    s3.createBucket(CLAIM_BUCKET);
    for (String stream : STREAMS) kinesis.createStream(stream, shards);
    storage = DeltaStorage.s3(lakeBucket, prefix, s3.s3aSettings());
    Config config = ConfigFactory.parseMap(settings(List.of("intake"), 0)).withFallback(ConfigFactory.load());
    intake = TenantlakeMain.start(config, "it-intake").get(60, TimeUnit.SECONDS);
    intakeUri = URI.create("http://127.0.0.1:" + intake.address().getPort());
  }

  private Map<String, Object> settings(List<String> roles, int port) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tenantlake.roles", roles);
    m.put("tenantlake.http.port", port);
    m.put("tenantlake.aws.region", LocalS3.REGION);
    m.put("tenantlake.aws.kinesis-endpoint", kinesis.endpoint().toString());
    m.put("tenantlake.aws.s3-endpoint", s3.endpoint().toString());
    m.put("tenantlake.aws.access-key", LocalS3.ACCESS_KEY);
    m.put("tenantlake.aws.secret-key", LocalS3.SECRET_KEY);
    m.put("tenantlake.storage.root", "s3a://" + lakeBucket + "/" + prefix);
    m.put("tenantlake.claim-check.bucket", CLAIM_BUCKET);
    m.put("tenantlake.auth.producer-tokens", List.of(TOKEN));
    m.put("tenantlake.auth.admin-tokens", List.of(ADMIN_TOKEN));
    m.put("tenantlake.ingest.source.discovery-interval", "1s");
    m.put("tenantlake.ingest.commit.max-age", "500ms");
    m.put("tenantlake.ingest.progress-interval", "2s");
    return m;
  }

  static final String CLUSTER_PORT = "pekko.remote.artery.canonical.port";

  /** An engine node (role ingest) in its own JVM: its HTTP API and its cluster address. */
  public record Engine(NodeProcess process, int httpPort, int clusterPort) {
    public URI uri() {
      return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** The seed address other engines join (the engine's actor system is "tenantlake"). */
    public String clusterAddress() {
      return "pekko://tenantlake@127.0.0.1:" + clusterPort;
    }
  }

  /** Starts the engine node (role ingest) in its own JVM; it resumes from the lake's checkpoints. */
  public void startEngine() throws Exception {
    startEngine(Map.of());
  }

  /**
   * As {@link #startEngine()}, with settings of the test's own (e.g. a smaller commit batch). The
   * node forms a cluster of its own, and this returns once it runs the lanes (it is the writer).
   */
  public Engine startEngine(Map<String, String> overrides) throws Exception {
    Engine e = launchEngine(overrides, null);
    engine = e.process();
    enginePort = e.httpPort();
    awaitWriter(e, Duration.ofSeconds(120));
    return e;
  }

  /** Starts another engine node that joins {@code seed}'s cluster; it does not wait for a role. */
  public Engine startEngineJoining(Engine seed, Map<String, String> overrides) throws Exception {
    return launchEngine(overrides, seed);
  }

  private Engine launchEngine(Map<String, String> overrides, Engine seed) throws Exception {
    Map<String, String> props = new LinkedHashMap<>();
    int httpPort = freePort();
    int clusterPort = overrides.containsKey(CLUSTER_PORT) ? Integer.parseInt(overrides.get(CLUSTER_PORT)) : freePort();
    settings(List.of("ingest"), httpPort).forEach((k, v) -> {
      if (v instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) props.put(k + "." + i, String.valueOf(list.get(i)));
      } else {
        props.put(k, String.valueOf(v));
      }
    });
    props.put(CLUSTER_PORT, String.valueOf(clusterPort));
    if (seed != null) {
      props.put("tenantlake.cluster.join-self", "false");
      props.put("pekko.cluster.seed-nodes.0", seed.clusterAddress());
    }
    props.putAll(overrides);
    int n = ++engineStarts;
    NodeProcess p = NodeProcess.start("engine-" + n, props, logDir.resolve("engine-" + n + ".log"), Duration.ofSeconds(90));
    Engine e = new Engine(p, httpPort, clusterPort);
    engines.add(e);
    return e;
  }

  /** Waits until the engine says it runs the lanes: the cluster's writer. */
  public void awaitWriter(Engine e, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      AdminAnswer a = admin(e.uri(), "GET", "/v1/admin/ingest", null);
      if (a.status() == 200 && a.body().path("writer_here").asBoolean()) return;
      if (System.nanoTime() > deadline) {
        throw new AssertionError("engine " + e.process() + " did not become the writer within " + within + ": " + a.body());
      }
      Thread.sleep(250);
    }
  }

  /** The engine node's HTTP API (tenant state, admin). */
  public URI engineUri() {
    return URI.create("http://127.0.0.1:" + enginePort);
  }

  /** The intake node (in the test's JVM): POST /v1/events, its /metrics. */
  public URI intakeUri() {
    return intakeUri;
  }

  /** SIGKILL: the engine gets no chance to finish a commit or flush anything. */
  void killEngine() {
    engine.kill();
  }

  /** Posts a batch as protobuf or as JSON; returns the parsed answer, failing on anything but 200. */
  public JsonNode post(List<ChangeEvent> events, boolean protobuf) throws Exception {
    HttpResponse<String> resp = send(events, protobuf);
    if (resp.statusCode() != 200) throw new AssertionError("intake answered " + resp.statusCode() + ": " + resp.body());
    return JSON.readTree(resp.body());
  }

  /** Posts a batch once, whatever the intake answers. */
  HttpResponse<String> send(List<ChangeEvent> events, boolean protobuf) throws Exception {
    EventBatch batch = EventBatch.newBuilder().addAllEvents(events).build();
    HttpRequest.Builder req = HttpRequest.newBuilder(intakeUri.resolve("/v1/events"))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + TOKEN);
    if (protobuf) {
      req.header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(batch.toByteArray()));
    } else {
      req.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(EventJson.defaults().print(batch)));
    }
    return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An admin API call on the engine node: the status and the JSON body. */
  public AdminAnswer admin(String method, String path, String jsonBody) throws Exception {
    return admin(engineUri(), method, path, jsonBody);
  }

  /** An admin API call on a given engine node. */
  public AdminAnswer admin(URI node, String method, String path, String jsonBody) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(node.resolve(path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + ADMIN_TOKEN);
    if (jsonBody == null) {
      req.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      req.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    }
    HttpResponse<String> resp = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    return new AdminAnswer(resp.statusCode(), resp.body().isEmpty() ? JSON.nullNode() : JSON.readTree(resp.body()));
  }

  public record AdminAnswer(int status, JsonNode body) {}

  /** The lake's S3 server (snapshots are uploaded there too). */
  public LocalS3 s3() {
    return s3;
  }

  /** Rows committed in a table, from the log's file statistics (no data read). */
  long committedRows(String table) {
    DeltaTable t = DeltaTable.at(storage, table);
    if (!t.exists()) return 0;
    return t.liveFiles().stream().mapToLong(DataFile::numRecords).sum();
  }

  static final List<String> RAW_TABLES = List.of("raw/jira.issue", "raw/identity.user", "raw/confluence.page",
      "raw/jira.project");

  public long committedRaw() {
    long rows = 0;
    for (String table : RAW_TABLES) rows += committedRows(table);
    return rows;
  }

  /** Waits until the raw tables hold at least {@code rows}; fails with the count reached. */
  public void awaitRaw(long rows, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long seen = 0;
    while (System.nanoTime() < deadline) {
      seen = committedRaw();
      if (seen >= rows) return;
      Thread.sleep(500);
    }
    throw new AssertionError("raw tables hold " + seen + " rows after " + timeout + ", expected " + rows
        + "; engine log " + (engine == null ? "-" : engine.logFile()));
  }

  /**
   * Waits until the live lane's checkpoint counts at least {@code events} events committed to the
   * raw tables, and returns when (engine clock, epoch ms) raw held them all: the last raw table
   * commit before the checkpoint commit that got there (the writer commits a batch's tables, then
   * its checkpoint), whenever this poll noticed it. Polls only the checkpoint table's newest
   * commits, so polling costs the engine little.
   */
  public long awaitRawCheckpoint(long events, Duration timeout) throws InterruptedException {
    DeltaTable checkpoints = DeltaTable.at(storage, "_checkpoints/live");
    long deadline = System.nanoTime() + timeout.toNanos();
    long seen = 0;
    while (System.nanoTime() < deadline) {
      long version = checkpoints.version();
      seen = checkpointEvents(checkpoints, version);
      if (seen >= events) {
        long first = version;
        while (first > 0 && checkpointEvents(checkpoints, first - 1) >= events) first--;
        long checkpointedAt = checkpoints.commitTimestampMillis(first);
        long tablesAt = 0;
        for (String table : RAW_TABLES) {
          DeltaTable t = DeltaTable.at(storage, table);
          for (long v = t.version(); v >= 0; v--) {
            long at = t.commitTimestampMillis(v);
            if (at <= checkpointedAt) {
              tablesAt = Math.max(tablesAt, at);
              break;
            }
          }
        }
        return tablesAt;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the live checkpoint counts " + seen + " events after " + timeout + ", expected " + events
        + "; engine log " + (engine == null ? "-" : engine.logFile()));
  }

  private static long checkpointEvents(DeltaTable checkpoints, long version) {
    if (version < 0) return 0;
    return Positions.at(checkpoints, version)
        .map(p -> p.asMap().values().stream().mapToLong(Positions.Position::records).sum())
        .orElse(0L);
  }


  /**
   * Per {@code tenant/_entity_id}, the {@code _version} a refined table holds, read with Delta Kernel;
   * empty while the table does not exist yet.
   */
  public Map<String, Long> refinedVersions(io.tenantlake.testkit.KernelTableReader kernel, String model) {
    Map<String, Long> out = new java.util.TreeMap<>();
    try {
      for (Map<String, Object> r : kernel.read(tableLocation("refined/" + model),
          List.of("tenant_id", "_entity_id", "_version")).rows()) {
        out.put(r.get("tenant_id") + "/" + r.get("_entity_id"), (Long) r.get("_version"));
      }
    } catch (Exception notYet) {
      return Map.of();
    }
    return out;
  }

  /** The lake's Delta storage (bucket and prefix on S3Proxy). */
  public DeltaStorage storage() {
    return storage;
  }

  /** S3A settings of the local S3 server, for Delta Kernel and Hadoop. */
  public Map<String, String> s3aSettings() {
    return s3.s3aSettings();
  }

  String tableLocation(String table) {
    return DeltaTable.at(storage, table).location();
  }

  public static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    for (Engine e : engines) e.process().close();
    if (engine != null) engine.close();
    intake.stop(Duration.ofSeconds(10));
    kinesis.close();
    s3.close();
  }
}
