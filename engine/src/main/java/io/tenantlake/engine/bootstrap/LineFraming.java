package io.tenantlake.engine.bootstrap;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * Frames NDJSON: one record per {@code \n}-terminated line ({@code \r\n} too; the last line may lack
 * its terminator); blank lines are no records. Unlike {@code Framing.delimiter}, which fails the
 * stream, an overlong line is one problem frame and reading goes on after its newline: the next
 * line is easy to find, so one bad line costs one record, not the rest of the object.
 */
final class LineFraming extends FramingStage {
  private static final byte NL = '\n';

  private final int maxLineLength;

  LineFraming(int maxLineLength) {
    super("LineFraming");
    if (maxLineLength < 1) throw new IllegalArgumentException("max line length must be > 0");
    this.maxLineLength = maxLineLength;
  }

  static Flow<ByteString, Frame, NotUsed> flow(int maxLineLength) {
    return Flow.fromGraph(new LineFraming(maxLineLength));
  }

  @Override
  Framer newFramer() {
    return new Framer() {
      private ByteString buffer = ByteString.emptyByteString();
      private int scanned; // bytes of buffer known to hold no newline
      private boolean discarding; // inside an overlong line, already reported

      @Override
      public void append(ByteString chunk) {
        buffer = buffer.concat(chunk);
      }

      @Override
      public Frame poll() {
        while (true) {
          int nl = buffer.indexOf(NL, scanned);
          if (nl < 0) {
            scanned = buffer.size();
            if (discarding) {
              buffer = ByteString.emptyByteString();
              scanned = 0;
            } else if (buffer.size() > maxLineLength + 1) { // + 1: room for the '\r' of "\r\n"
              Frame f = Frame.skipped(tooLong(), buffer);
              discarding = true;
              buffer = ByteString.emptyByteString();
              scanned = 0;
              return f;
            }
            return null;
          }
          ByteString line = buffer.take(nl);
          buffer = buffer.drop(nl + 1);
          scanned = 0;
          if (discarding) {
            discarding = false; // the overlong line ends here; it was reported when it began
            continue;
          }
          line = stripCr(line);
          if (line.size() > maxLineLength) return Frame.skipped(tooLong(), line);
          if (!isBlank(line)) return Frame.ok(line.compact());
        }
      }

      @Override
      public Frame atEnd() {
        if (discarding) return null;
        ByteString line = stripCr(buffer);
        buffer = ByteString.emptyByteString();
        return isBlank(line) ? null : Frame.ok(line.compact());
      }

      @Override
      public ByteString remaining() {
        return buffer;
      }

      private String tooLong() {
        return "line is longer than the maximum of " + maxLineLength + " bytes; skipped to the next line";
      }
    };
  }

  private static ByteString stripCr(ByteString line) {
    return !line.isEmpty() && line.apply(line.size() - 1) == '\r' ? line.dropRight(1) : line;
  }

  private static boolean isBlank(ByteString line) {
    for (int i = 0; i < line.size(); i++) {
      byte b = line.apply(i);
      if (b != ' ' && b != '\t' && b != '\r') return false;
    }
    return true;
  }
}
