package io.tenantlake.engine.bootstrap;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tenantlake.proto.EventJson;
import io.tenantlake.proto.EventJsonException;
import io.tenantlake.proto.v1.BootstrapRecord;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.connectors.s3.S3Attributes;
import org.apache.pekko.stream.connectors.s3.S3Settings;
import org.apache.pekko.stream.connectors.s3.javadsl.S3;
import org.apache.pekko.stream.javadsl.Compression;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * One attempt at reading one object: download, gunzip, frame, parse, all streamed. Records before
 * the start offset are framed but neither parsed nor emitted (a retry or a resume skips them).
 * The source fails only with what {@link ReadFailures} does not turn into problem records.
 */
final class ObjectReader {
  private static final int GUNZIP_CHUNK = 64 * 1024;

  private final String bucket;
  private final S3Settings s3;
  private final int maxRecordSize;
  private final EventJson json;
  private final SnapshotProgress progress;

  ObjectReader(String bucket, S3Settings s3, int maxRecordSize, EventJson json, SnapshotProgress progress) {
    this.bucket = bucket;
    this.s3 = s3;
    this.maxRecordSize = maxRecordSize;
    this.json = json;
    this.progress = progress;
  }

  Source<SnapshotRecord, NotUsed> read(SnapshotObject object, long fromOffset) {
    Source<ByteString, ?> bytes = S3.getObject(bucket, object.key())
        .withAttributes(S3Attributes.settings(s3))
        .map(chunk -> {
          progress.addBytes(chunk.size());
          return chunk;
        });
    if (object.gzip()) bytes = bytes.via(Compression.gunzip(GUNZIP_CHUNK));
    Flow<ByteString, Frame, NotUsed> framing = object.format() == SnapshotObject.Format.PROTOBUF
        ? VarintFraming.flow(maxRecordSize)
        : LineFraming.flow(maxRecordSize);
    return bytes.via(framing)
        .zipWithIndex()
        .filter(p -> p.second() >= fromOffset)
        .map(p -> toRecord(object, p.second(), p.first()))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  SnapshotRecord toRecord(SnapshotObject object, long offset, Frame frame) {
    byte[] bytes = frame.data().toArray();
    if (frame.isProblem()) return SnapshotRecord.problem(object, offset, frame.problem(), bytes);
    return object.format() == SnapshotObject.Format.PROTOBUF
        ? fromProtobuf(object, offset, bytes)
        : fromJson(object, offset, bytes);
  }

  private static SnapshotRecord fromProtobuf(SnapshotObject object, long offset, byte[] bytes) {
    try {
      BootstrapRecord.parseFrom(bytes); // only a check: the bytes go on as they are
      return SnapshotRecord.ok(object, offset, bytes);
    } catch (InvalidProtocolBufferException e) {
      return SnapshotRecord.problem(object, offset, "not a BootstrapRecord: " + e.getMessage(), bytes);
    }
  }

  private SnapshotRecord fromJson(SnapshotObject object, long offset, byte[] bytes) {
    String line;
    try {
      // Strict: a replacement character would hide the damage in a field value.
      line = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return SnapshotRecord.problem(object, offset, "line is not UTF-8", bytes);
    }
    try {
      return SnapshotRecord.ok(object, offset, json.parseBootstrapRecord(line).toByteArray());
    } catch (EventJsonException e) {
      return SnapshotRecord.problem(object, offset, e.getMessage(), bytes);
    }
  }
}
