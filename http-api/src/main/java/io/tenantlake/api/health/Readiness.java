package io.tenantlake.api.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@code GET /ready} asks: named checks, each answering its problem or nothing. The node adds
 * checks as its roles start (serving, cluster membership, storage and Kinesis reachable, the lanes
 * on the writer); every check is cheap (a flag, a cached probe result), as a probe is asked often.
 */
public final class Readiness {
  private final Map<String, Supplier<Optional<String>>> checks = new LinkedHashMap<>();

  /** Adds (or replaces) a check; {@code problem} answers why the node is not ready, or empty. */
  public synchronized Readiness check(String name, Supplier<Optional<String>> problem) {
    checks.put(name, problem);
    return this;
  }

  /** Each check's answer ({@code "ok"} or its problem), in the order added; a check that throws is a problem. */
  public synchronized Report report() {
    Map<String, String> out = new LinkedHashMap<>();
    boolean ok = true;
    for (var c : checks.entrySet()) {
      Optional<String> problem;
      try {
        problem = c.getValue().get();
      } catch (RuntimeException e) {
        problem = Optional.of("check failed: " + e);
      }
      out.put(c.getKey(), problem.orElse("ok"));
      ok &= problem.isEmpty();
    }
    return new Report(ok, out);
  }

  public record Report(boolean ready, Map<String, String> checks) {}
}
