package io.tenantlake.engine.bootstrap;

import io.tenantlake.proto.EventJson;
import io.tenantlake.proto.v1.BootstrapRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes records the way the bootstrap lane reads them, for producers of snapshots (the demo, the
 * tests, an exporter): length-delimited protobuf, or one proto JSON object per line. Compression
 * is the caller's: wrap the stream in a {@code GZIPOutputStream} and name the object {@code .gz}.
 */
public final class SnapshotWriter {
  private final OutputStream out;
  private final SnapshotObject.Format format;
  private final EventJson json;

  public SnapshotWriter(OutputStream out, SnapshotObject.Format format, EventJson json) {
    this.out = out;
    this.format = format;
    this.json = json;
  }

  public void write(BootstrapRecord record) throws IOException {
    if (format == SnapshotObject.Format.PROTOBUF) {
      record.writeDelimitedTo(out);
    } else {
      // The printer's JSON is compact, but a string may hold a newline escape only, never a raw one.
      out.write(json.print(record).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
  }

  /** The key suffix that announces this format (with {@code .gz} when compressed). */
  public static String suffix(SnapshotObject.Format format, boolean gzip) {
    return (format == SnapshotObject.Format.PROTOBUF ? ".pb" : ".ndjson") + (gzip ? ".gz" : "");
  }
}
