package io.tenantlake.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tenantlake node in its own JVM ({@code io.tenantlake.api.TenantlakeMain}), on the class path
 * of the test that starts it, configured by system properties. Tests stop it gracefully or kill
 * it with SIGKILL to prove that a crash loses and repeats nothing.
 */
public final class NodeProcess implements AutoCloseable {
  private static final String MAIN = "io.tenantlake.api.TenantlakeMain";
  private final String name;
  private final ChildProcess process;

  private NodeProcess(String name, ChildProcess process) {
    this.name = name;
    this.process = process;
  }

  /**
   * Starts a node and waits until its HTTP API listens (the main's "listening on" line).
   *
   * @param properties {@code -Dkey=value} settings, e.g. {@code tenantlake.http.port}
   */
  public static NodeProcess start(String name, Map<String, String> properties, Path logFile, Duration timeout) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.add("-Daws.cborEnabled=false");
    cmd.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    cmd.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    // Extra JVM options for every node a test starts (a profiler, a debugger), space-separated.
    String extra = System.getProperty("tenantlake.test.node-jvm-options", "");
    for (String opt : extra.trim().split("\\s+")) if (!opt.isEmpty()) cmd.add(opt);
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(MAIN);
    try {
      ChildProcess p = ChildProcess.start(name, cmd, TenantlakeHome.find(), logFile,
          line -> line.contains("listening on http://"));
      p.awaitReady(timeout);
      return new NodeProcess(name, p);
    } catch (IOException e) {
      throw new UncheckedIOException("node " + name + " did not start: " + e.getMessage(), e);
    }
  }

  /** Surefire runs tests from a manifest-only jar; it names the real class path here. */
  static String classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return process.logFile();
  }

  /** SIGKILL: no shutdown hooks, no drain. */
  public void kill() {
    process.kill();
  }

  /** SIGTERM, waiting for a clean shutdown (SIGKILL after a grace period). */
  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return "node " + name + " (pid " + process.pid() + ", log " + process.logFile() + ")";
  }
}
