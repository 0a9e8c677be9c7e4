package io.tenantlake.engine.delta.impl;

import java.io.IOException;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/** An output file that remembers how many bytes were written to it, for the log's {@code add.size}. */
final class SizedOutputFile implements OutputFile {
  private final OutputFile delegate;
  private PositionOutputStream stream;
  private long finalSize = -1;

  SizedOutputFile(OutputFile delegate) {
    this.delegate = delegate;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    return track(delegate.create(blockSizeHint));
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    return track(delegate.createOrOverwrite(blockSizeHint));
  }

  private PositionOutputStream track(PositionOutputStream out) {
    stream = new PositionOutputStream() {
      @Override
      public long getPos() throws IOException {
        return out.getPos();
      }

      @Override
      public void write(int b) throws IOException {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        finalSize = out.getPos();
        out.close();
      }
    };
    return stream;
  }

  @Override
  public boolean supportsBlockSize() {
    return delegate.supportsBlockSize();
  }

  @Override
  public long defaultBlockSize() {
    return delegate.defaultBlockSize();
  }

  @Override
  public String getPath() {
    return delegate.getPath();
  }

  long bytesWritten() {
    if (finalSize < 0) throw new IllegalStateException("file " + getPath() + " is not closed yet");
    return finalSize;
  }
}
