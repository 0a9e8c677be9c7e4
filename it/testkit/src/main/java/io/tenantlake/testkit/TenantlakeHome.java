package io.tenantlake.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the checkout's root (the folder with {@code package.json} and {@code bin/}) and makes sure
 * its npm packages (kinesalite) are installed.
 *
 * <p>The root is the system property {@value #HOME_PROPERTY} if set, else the environment variable
 * {@code TENANTLAKE_HOME}, else the first folder upwards from the working directory that holds a
 * {@code package.json} and a {@code bin/kinesalite-loopback.js}.
 */
public final class TenantlakeHome {
  public static final String HOME_PROPERTY = "tenantlake.home";

  private static final Logger log = LoggerFactory.getLogger(TenantlakeHome.class);
  private static final Object NPM_LOCK = new Object();
  private static volatile boolean npmChecked;

  private TenantlakeHome() {}

  /** The checkout's root, absolute and normalised. */
  public static Path find() {
    String explicit = System.getProperty(HOME_PROPERTY);
    if (explicit == null || explicit.isBlank()) {
      explicit = System.getenv("TENANTLAKE_HOME");
    }
    if (explicit != null && !explicit.isBlank()) {
      Path root = Path.of(explicit).toAbsolutePath().normalize();
      if (!Files.isRegularFile(root.resolve("package.json"))) {
        throw new IllegalStateException(HOME_PROPERTY + "=" + root + " has no package.json");
      }
      return root;
    }
    Path start = Path.of("").toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("package.json"))
          && Files.isRegularFile(dir.resolve("bin/kinesalite-loopback.js"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no tenantlake checkout (package.json + bin/kinesalite-loopback.js) "
        + "above " + start + "; set -D" + HOME_PROPERTY + "=<checkout>");
  }

  /**
   * Where logs go by default: {@code ./target} when the working directory has one (a module under
   * test), else {@code <root>/target}.
   */
  public static Path targetDir(Path root) {
    Path local = Path.of("target").toAbsolutePath().normalize();
    return Files.isDirectory(local) ? local : root.resolve("target");
  }

  /**
   * Installs the npm packages if needed: runs {@code bin/npm-ensure} when it exists (it returns at
   * once when node_modules is current), else {@code npm ci} when node_modules/kinesalite is missing.
   * Once per JVM.
   */
  public static void ensureNodeModules(Path root) {
    if (npmChecked) {
      return;
    }
    synchronized (NPM_LOCK) {
      if (npmChecked) {
        return;
      }
      Path ensure = root.resolve("bin/npm-ensure");
      List<String> command;
      if (Files.isRegularFile(ensure)) {
        command = List.of("bash", ensure.toString());
      } else if (!Files.isDirectory(root.resolve("node_modules/kinesalite"))) {
        command = List.of("npm", "ci", "--no-audit", "--no-fund");
      } else {
        npmChecked = true;
        return;
      }
      run(root, command);
      if (!Files.isDirectory(root.resolve("node_modules/kinesalite"))) {
        throw new IllegalStateException(String.join(" ", command)
            + " finished but node_modules/kinesalite is missing in " + root);
      }
      npmChecked = true;
    }
  }

  private static void run(Path root, List<String> command) {
    Path logFile = root.resolve("target/npm-ensure.log");
    try {
      Files.createDirectories(logFile.getParent());
      Process p = new ProcessBuilder(command)
          .directory(root.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IllegalStateException(command + " took over 10 minutes; see " + logFile);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(command + " exited with " + p.exitValue() + "; see " + logFile);
      }
      log.debug("{} ok (log: {})", command, logFile);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + " in " + root, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }
}
