package io.tenantlake.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Checks on listening sockets, without sending anything off the loopback range. */
final class Loopback {
  private Loopback() {}

  static boolean accepts(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The local addresses of the listening TCP sockets on {@code port}, from /proc/net/tcp and tcp6,
   * as hex as the kernel writes them (0100007F = 127.0.0.1, 00000000 = every interface); an
   * IPv4-mapped IPv6 address (::ffff:127.0.0.1, Java's habit) is given in its IPv4 form.
   */
  static List<String> listeningAddresses(int port) throws IOException {
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    List<String> found = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st ...; st 0A = LISTEN
        if (f.length > 3 && f[1].endsWith(":" + hexPort) && f[3].equals("0A")) {
          String address = f[1].substring(0, f[1].indexOf(':'));
          found.add(address.startsWith("0000000000000000FFFF0000") ? address.substring(24) : address);
        }
      }
    }
    return found;
  }
}
