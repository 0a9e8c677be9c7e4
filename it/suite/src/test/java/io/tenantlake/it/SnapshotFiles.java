package io.tenantlake.it;

import io.tenantlake.engine.bootstrap.SnapshotObject;
import io.tenantlake.engine.bootstrap.SnapshotWriter;
import io.tenantlake.proto.EventJson;
import io.tenantlake.proto.v1.BootstrapRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes a bootstrap snapshot to S3 as a producer would: the records split over objects, in turn
 * length-delimited protobuf, gzipped protobuf, NDJSON and gzipped NDJSON, plus a file that is not
 * part of the snapshot. Object names sort in record order.
 */
public final class SnapshotFiles {
  private SnapshotFiles() {}

  /** A line or frame to put in verbatim (a malformed record), at a given place in the snapshot. */
  public record Garbage(int objectIndex, byte[] bytes) {}

  /** Uploads the records in {@code objects} objects; returns the keys written. */
  public static List<String> upload(S3Client s3, String bucket, String prefix, List<BootstrapRecord> records, int objects,
      List<Garbage> garbage) throws IOException {
    List<String> keys = new ArrayList<>();
    int per = (records.size() + objects - 1) / objects;
    for (int o = 0; o < objects; o++) {
      List<BootstrapRecord> part = records.subList(Math.min(records.size(), o * per), Math.min(records.size(), (o + 1) * per));
      var format = o % 4 >= 2 ? SnapshotObject.Format.NDJSON : SnapshotObject.Format.PROTOBUF;
      boolean gzip = o % 2 == 1;
      String key = String.format("%s/part-%05d%s", prefix, o, SnapshotWriter.suffix(format, gzip));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (OutputStream out = gzip ? new GZIPOutputStream(bytes, 1 << 16) : bytes) {
        SnapshotWriter writer = new SnapshotWriter(out, format, EventJson.defaults());
        for (int i = 0; i < part.size(); i++) {
          for (Garbage g : garbage) {
            if (g.objectIndex() == o && i == part.size() / 2) out.write(g.bytes());
          }
          writer.write(part.get(i));
        }
      }
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes.toByteArray()));
      keys.add(key);
    }
    s3.putObject(b -> b.bucket(bucket).key(prefix + "/_SUCCESS"), RequestBody.fromBytes(new byte[0]));
    return keys;
  }
}
