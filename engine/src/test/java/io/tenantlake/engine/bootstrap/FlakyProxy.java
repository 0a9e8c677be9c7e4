package io.tenantlake.engine.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of S3Proxy that can drop connections in the middle of a response, the way a
 * flaky network or a load balancer does: once armed, the connection carrying the response is reset
 * after a number of response bytes, a given number of times.
 */
final class FlakyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final URI upstream;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "flaky-proxy");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger cutsLeft = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicLong bytesSinceArmed = new AtomicLong();
  private volatile long cutAfter = Long.MAX_VALUE;

  FlakyProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** The next {@code times} responses in flight are cut after {@code afterBytes} bytes each. */
  void arm(long afterBytes, int times) {
    bytesSinceArmed.set(0);
    cutAfter = afterBytes;
    cutsLeft.set(times);
  }

  int cuts() {
    return cuts.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket up = new Socket(upstream.getHost(), upstream.getPort());
        threads.execute(() -> pump(client, up, false));
        threads.execute(() -> pump(up, client, true));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean response) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
        if (response && cutsLeft.get() > 0 && bytesSinceArmed.addAndGet(n) >= cutAfter && cutsLeft.getAndDecrement() > 0) {
          cuts.incrementAndGet();
          bytesSinceArmed.set(0);
          from.setSoLinger(true, 0);
          to.setSoLinger(true, 0); // a reset, not a clean end: the client must see a broken response
          break;
        }
      }
    } catch (IOException e) {
      // the other direction closed the sockets
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
