package io.tenantlake.engine.bootstrap;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * Frames length-delimited protobuf messages, as {@code MessageLite.writeDelimitedTo} writes them: a
 * varint length (at most 5 bytes, a uint32), then that many bytes. Lengths and records may be split
 * anywhere across chunks. Nothing marks where a record starts, so a frame that cannot be read (bad
 * varint, length over the maximum, object ending inside a record) ends the object with one problem.
 */
final class VarintFraming extends FramingStage {
  private static final int MAX_VARINT_BYTES = 5;

  private final int maxRecordSize;

  VarintFraming(int maxRecordSize) {
    super("VarintFraming");
    if (maxRecordSize < 1) throw new IllegalArgumentException("max record size must be > 0");
    this.maxRecordSize = maxRecordSize;
  }

  /** The stage as a flow of frames. */
  static Flow<ByteString, Frame, NotUsed> flow(int maxRecordSize) {
    return Flow.fromGraph(new VarintFraming(maxRecordSize));
  }

  @Override
  Framer newFramer() {
    return new Framer() {
      private ByteString buffer = ByteString.emptyByteString();

      @Override
      public void append(ByteString chunk) {
        buffer = buffer.concat(chunk);
      }

      @Override
      public Frame poll() {
        if (buffer.isEmpty()) return null;
        long length = 0;
        int header = 0;
        int limit = Math.min(MAX_VARINT_BYTES, buffer.size());
        for (int i = 0; i < limit; i++) {
          byte b = buffer.apply(i);
          length |= (long) (b & 0x7f) << (7 * i);
          if ((b & 0x80) == 0) {
            header = i + 1;
            break;
          }
        }
        if (header == 0) {
          if (buffer.size() < MAX_VARINT_BYTES) return null;
          return Frame.end("record length is not a varint of at most 5 bytes; the rest of the object is skipped", buffer);
        }
        if (length > maxRecordSize) {
          return Frame.end("record length " + length + " is over the maximum of " + maxRecordSize
              + " bytes (or the length is corrupt); the rest of the object is skipped", buffer);
        }
        int end = header + (int) length;
        if (buffer.size() < end) return null;
        // compact: the record must not pin the (possibly much larger) chunks it was cut from
        ByteString record = buffer.slice(header, end).compact();
        buffer = buffer.drop(end);
        return Frame.ok(record);
      }

      @Override
      public Frame atEnd() {
        if (buffer.isEmpty()) return null;
        return Frame.end("object is truncated: it ends inside a record (" + buffer.size()
            + " bytes left, no complete record)", buffer);
      }

      @Override
      public ByteString remaining() {
        return buffer;
      }
    };
  }
}
