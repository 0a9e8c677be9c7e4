package io.tenantlake.testkit;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The local Kinesis emulator and S3Proxy for the demo and for manual runs, up until SIGTERM/SIGINT.
 *
 * <pre>
 * java -cp 'it/testkit/target/tenantlake-testkit-*.jar:it/testkit/target/lib/*' io.tenantlake.testkit.LocalServers \
 *   [--kinesis-port N] [--s3-port N] [--state-dir DIR] [--out FILE] [--bucket NAME]... [--stream NAME:SHARDS]...
 * </pre>
 *
 * Ports default to free ones. With {@code --state-dir} the streams (LevelDB) and the buckets
 * (folders) persist under DIR/kinesis and DIR/s3, and node's output goes to DIR/kinesalite.log;
 * without it everything is temporary. {@code --out} gets a properties file with the endpoints
 * ({@code kinesis.endpoint}, {@code s3.endpoint}, {@code aws.region}, {@code s3.access-key},
 * {@code s3.secret-key}, {@code pid}, ...), written once both servers are up and deleted on exit;
 * the same lines go to stdout.
 */
public final class LocalServers {
  private LocalServers() {}

  public static void main(String[] args) throws Exception {
    int kinesisPort = 0;
    int s3Port = 0;
    Path stateDir = null;
    Path out = null;
    List<String> buckets = new ArrayList<>();
    List<String> streams = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (arg) {
        case "--kinesis-port" -> kinesisPort = Integer.parseInt(require(arg, value));
        case "--s3-port" -> s3Port = Integer.parseInt(require(arg, value));
        case "--state-dir" -> stateDir = Path.of(require(arg, value)).toAbsolutePath();
        case "--out" -> out = Path.of(require(arg, value)).toAbsolutePath();
        case "--bucket" -> buckets.add(require(arg, value));
        case "--stream" -> streams.add(require(arg, value));
        case "-h", "--help" -> {
          System.out.println("usage: LocalServers [--kinesis-port N] [--s3-port N] [--state-dir DIR] "
              + "[--out FILE] [--bucket NAME]... [--stream NAME:SHARDS]...");
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument " + arg + " (try --help)");
      }
      i++;
    }

    LocalKinesis.Builder kb = LocalKinesis.builder().port(kinesisPort);
    LocalS3.Builder sb = LocalS3.builder().port(s3Port);
    if (stateDir != null) {
      kb.dataDir(stateDir.resolve("kinesis")).logFile(stateDir.resolve("kinesalite.log"));
      sb.dataDir(stateDir.resolve("s3"));
    }
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    LocalKinesis kinesis = null;
    LocalS3 s3 = null;
    Path outFile = out;
    try {
      kinesis = kb.start();
      s3 = sb.start();
      for (String bucket : buckets) {
        s3.createBucket(bucket);
      }
      for (String stream : streams) {
        String[] parts = stream.split(":", 2);
        kinesis.createStream(parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : 1);
      }

      Map<String, String> info = new LinkedHashMap<>();
      info.put("kinesis.endpoint", kinesis.endpoint().toString());
      info.put("kinesis.pid", Long.toString(kinesis.pid()));
      info.put("kinesis.log", kinesis.logFile().toString());
      info.put("kinesis.data-dir", kinesis.dataDir() == null ? "" : kinesis.dataDir().toString());
      info.put("kinesis.streams", String.join(",", streams));
      info.put("s3.endpoint", s3.endpoint().toString());
      info.put("s3.data-dir", s3.dataDir() == null ? "" : s3.dataDir().toString());
      info.put("s3.buckets", String.join(",", buckets));
      info.put("s3.access-key", LocalS3.ACCESS_KEY);
      info.put("s3.secret-key", LocalS3.SECRET_KEY);
      info.put("aws.region", LocalS3.REGION);
      info.put("pid", Long.toString(ProcessHandle.current().pid()));

      LocalKinesis k = kinesis;
      LocalS3 s = s3;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stop.countDown();
        closeQuietly(s);
        closeQuietly(k);
        if (outFile != null) {
          try {
            Files.deleteIfExists(outFile);
          } catch (IOException ignored) {
            // best effort
          }
        }
        System.out.println("local servers stopped");
        stopped.countDown();
      }, "local-servers-stop"));

      if (out != null) {
        write(out, info);
      }
      info.forEach((key, value) -> System.out.println(key + "=" + value));
      System.out.println("local servers ready" + (out == null ? "" : " (" + out + ")") + "; SIGTERM or Ctrl-C stops them");
      System.out.flush();
      stop.await();
      stopped.await();
    } catch (RuntimeException | Error e) {
      closeQuietly(s3);
      closeQuietly(kinesis);
      throw e;
    }
  }

  private static String require(String arg, String value) {
    if (value == null) {
      throw new IllegalArgumentException(arg + " needs a value");
    }
    return value;
  }

  /** Written to a temporary file and moved, so a reader never sees half of it. */
  private static void write(Path out, Map<String, String> info) throws IOException {
    Files.createDirectories(out.getParent());
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      // plain key=value lines in a fixed order (Properties.store would escape ':' and shuffle)
      w.write("# tenantlake local servers\n");
      for (Map.Entry<String, String> e : info.entrySet()) {
        w.write(e.getKey() + "=" + e.getValue() + "\n");
      }
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      System.err.println("while stopping " + c + ": " + e);
    }
  }
}
