package io.tenantlake.engine.bootstrap;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import io.tenantlake.proto.EventJson;
import io.tenantlake.proto.domain.identity.v1.User;
import io.tenantlake.proto.domain.jira.v1.Issue;
import io.tenantlake.proto.v1.BootstrapRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Bootstrap records with real domain payloads, and the bytes of snapshot objects holding them. */
final class SnapshotFixtures {
  static final EventJson JSON = EventJson.defaults();
  private static final Timestamp T0 = Timestamp.newBuilder().setSeconds(1_790_000_000L).setNanos(5_000_000).build();

  private SnapshotFixtures() {}

  /** Record {@code n}: mostly Jira issues, every fifth a user; {@code bigBytes} > 0 adds a description that long. */
  static BootstrapRecord record(String snapshot, int n, int bigBytes) {
    BootstrapRecord.Builder b = BootstrapRecord.newBuilder()
        .setEventId(snapshot + "-" + n)
        .setTenantId("t-" + (n % 7))
        .setVersion(1_000 + n)
        .setEmittedAt(T0);
    if (n % 5 == 4 && bigBytes == 0) {
      return b.setEntityType("identity.user").setEntityId("u-" + n)
          .setPayload(Any.pack(User.newBuilder().setDisplayName("User " + n).setEmail("u" + n + "@example.com")
              .setActive(n % 2 == 0).build()))
          .build();
    }
    Issue.Builder issue = Issue.newBuilder().setKey("PROJ-" + n).setProjectId("p-" + (n % 3))
        .setSummary("Issue " + n + " ünïcode \"quoted\"").setStatus(n % 2 == 0 ? "Open" : "In Progress")
        .setPriority("High").addLabels("l" + (n % 4)).setCreated(T0)
        .setUpdated(Timestamp.newBuilder().setSeconds(T0.getSeconds() + n));
    if (bigBytes > 0) issue.setDescription(text(n, bigBytes));
    return b.setEntityType("jira.issue").setEntityId("I-" + n).setPayload(Any.pack(issue.build())).build();
  }

  static List<BootstrapRecord> records(String snapshot, int from, int count, int bigEvery, int bigBytes) {
    List<BootstrapRecord> out = new ArrayList<>();
    for (int n = from; n < from + count; n++) {
      out.add(record(snapshot, n, bigEvery > 0 && n % bigEvery == 0 ? bigBytes + n % 1000 : 0));
    }
    return out;
  }

  /** Text that gzip cannot squeeze to nothing, so compressed objects still span many chunks. */
  static String text(int seed, int length) {
    Random r = new Random(seed);
    StringBuilder s = new StringBuilder(length);
    while (s.length() < length) s.append((char) ('a' + r.nextInt(26))).append(r.nextInt(8) == 0 ? " " : "");
    return s.substring(0, length);
  }

  static byte[] delimited(List<BootstrapRecord> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (BootstrapRecord r : records) r.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] ndjson(List<BootstrapRecord> records) {
    StringBuilder s = new StringBuilder();
    for (BootstrapRecord r : records) s.append(JSON.print(r)).append('\n');
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
