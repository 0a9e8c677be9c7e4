package io.tenantlake.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A child process whose output goes to a log file, with a wait for its first line that matches
 * a predicate, and a stop that takes its whole process tree down (and runs on JVM exit too).
 */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path logFile;
  private final CompletableFuture<String> readyLine = new CompletableFuture<>();
  private final Thread shutdownHook;

  private ChildProcess(String name, Process process, Path logFile, Predicate<String> ready) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    Thread pump = new Thread(() -> pump(ready), name + "-output");
    pump.setDaemon(true);
    pump.start();
    this.shutdownHook = new Thread(this::destroyTree, name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts {@code command} in {@code dir}; stdin stays an open pipe (closed when we stop). */
  static ChildProcess start(String name, List<String> command, Path dir, Path logFile, Predicate<String> ready)
      throws IOException {
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    Process p = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .start();
    return new ChildProcess(name, p, logFile, ready);
  }

  private void pump(Predicate<String> ready) {
    try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         OutputStream file = Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
         PrintStream out = new PrintStream(file, true, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println(line);
        if (!readyLine.isDone() && ready.test(line)) {
          readyLine.complete(line);
        }
      }
    } catch (IOException e) {
      readyLine.completeExceptionally(e);
    } finally {
      readyLine.completeExceptionally(new IllegalStateException(
          name + " exited before it was ready; see " + logFile));
    }
  }

  /** Waits for the first output line that the ready predicate accepted. */
  String awaitReady(Duration timeout) throws IOException {
    try {
      return readyLine.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      close();
      throw new IOException(name + " not ready within " + timeout + "; see " + logFile, e);
    } catch (ExecutionException e) {
      close();
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + name, e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path logFile() {
    return logFile;
  }

  /** SIGKILL, no grace: what a crash looks like to the rest of the system. */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM to the tree, then SIGKILL to what is left after a grace period. Idempotent. */
  @Override
  public void close() {
    destroyTree();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run
    }
  }

  private void destroyTree() {
    List<ProcessHandle> tree = process.descendants().toList();
    try {
      process.getOutputStream().close(); // the wrapper exits on stdin close too
    } catch (IOException ignored) {
      // already closed
    }
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    for (ProcessHandle h : concat(process.toHandle(), tree)) {
      long left = deadline - System.nanoTime();
      try {
        h.onExit().get(Math.max(left, 1), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        h.destroyForcibly();
      } catch (InterruptedException e) {
        h.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<ProcessHandle> concat(ProcessHandle head, List<ProcessHandle> tail) {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(head), tail.stream()).toList();
  }
}
