package io.tenantlake.engine.bootstrap;

import java.util.zip.DataFormatException;
import java.util.zip.ZipException;
import org.apache.pekko.stream.connectors.s3.S3Exception;

/**
 * Sorts the failures of an object read into what the reader does with them:
 * <ul>
 *   <li>data errors (corrupt or truncated gzip): a problem record, then the next object;</li>
 *   <li>unreadable objects (deleted since the listing, a key the client refuses): a problem
 *       record naming the key, then the next object;</li>
 *   <li>refusals (access denied, bad request): the read fails, since every object would fail the
 *       same way and a snapshot must not be skipped silently;</li>
 *   <li>everything else (5xx, throttling, timeouts, dropped connections): transient, the object is
 *       re-opened with backoff from the record reached.</li>
 * </ul>
 */
final class ReadFailures {
  private ReadFailures() {}

  static boolean isDataError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ZipException || c instanceof DataFormatException) return true;
    }
    return false;
  }

  static boolean isUnreadable(Throwable t) {
    S3Exception s3 = s3(t);
    if (s3 != null) return s3.statusCode().intValue() == 404 || "NoSuchKey".equals(s3.code());
    // pekko-connectors-s3 refuses keys with "." or ".." segments (validate-object-key)
    return t instanceof IllegalArgumentException;
  }

  static boolean isTransient(Throwable t) {
    if (isDataError(t) || isUnreadable(t)) return false;
    S3Exception s3 = s3(t);
    if (s3 == null) return true;
    int status = s3.statusCode().intValue();
    return status >= 500 || status == 408 || status == 429 || "SlowDown".equals(s3.code())
        || "RequestTimeout".equals(s3.code()) || "InternalError".equals(s3.code());
  }

  /** A short reason for a problem record. */
  static String describe(Throwable t) {
    if (isDataError(t)) return "gzip data is corrupt or truncated (" + message(t) + ")";
    S3Exception s3 = s3(t);
    if (s3 != null) return "S3 answered " + s3.statusCode().intValue() + " " + s3.code() + ": " + s3.message();
    return message(t);
  }

  private static S3Exception s3(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof S3Exception e) return e;
    }
    return null;
  }

  private static String message(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
