package io.tenantlake.testkit;

import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a server once per test class and closes it after the class, when registered on a static
 * field; on an instance field (where JUnit skips the class callbacks) it starts before each test and
 * closes after it. Test and lifecycle methods may also take the server as a parameter.
 */
abstract class ServerExtension<S extends AutoCloseable>
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private final Class<S> type;
  private final Supplier<S> starter;
  private S server;
  private String owner; // unique id of the context that started it: only that context's end stops it

  ServerExtension(Class<S> type, Supplier<S> starter) {
    this.type = type;
    this.starter = Objects.requireNonNull(starter);
  }

  /** The running server; fails outside the extension's lifetime. */
  public final synchronized S get() {
    if (server == null) {
      throw new IllegalStateException(type.getSimpleName() + " is not running (register the extension "
          + "with @RegisterExtension on a static field, or use it inside a test)");
    }
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startFor(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    startFor(context);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    stopFor(context);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stopFor(context); // a @Nested class's end leaves the outer class's server running
  }

  private synchronized void startFor(ExtensionContext context) {
    if (server == null) {
      server = starter.get();
      owner = context.getUniqueId();
    }
  }

  private synchronized void stopFor(ExtensionContext context) throws Exception {
    if (server != null && context.getUniqueId().equals(owner)) {
      try {
        server.close();
      } finally {
        server = null;
        owner = null;
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == type;
  }

  @Override
  public synchronized Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    startFor(extensionContext); // e.g. a @BeforeAll method's parameter, resolved before beforeAll ran
    return server;
  }
}
