package io.tenantlake.engine.bootstrap;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where a bootstrap snapshot lives: {@code s3://bucket/prefix}. The prefix names a folder: it is
 * read as {@code prefix/} so that {@code s3://b/snap/1} never picks up the objects of
 * {@code s3://b/snap/10}. An empty prefix ({@code s3://bucket} or {@code s3://bucket/}) is the whole
 * bucket.
 *
 * @param bucket the bucket name
 * @param prefix the key prefix, empty or ending with {@code /}
 */
public record SnapshotUri(String bucket, String prefix) {

  public SnapshotUri {
    checkBucket(bucket);
    if (prefix == null) throw new IllegalArgumentException("snapshot prefix is null");
    if (!prefix.isEmpty() && !prefix.endsWith("/")) prefix = prefix + "/";
    checkPrefix(prefix);
  }

  /** Parses {@code s3://bucket/prefix}; the message of the exception says what is wrong. */
  public static SnapshotUri parse(String uri) {
    if (uri == null || uri.isBlank()) throw new IllegalArgumentException("snapshot URI is empty (expected s3://bucket/prefix)");
    String s = uri.strip();
    int sep = s.indexOf("://");
    if (sep < 0) throw new IllegalArgumentException("snapshot URI " + uri + " has no scheme (expected s3://bucket/prefix)");
    String scheme = s.substring(0, sep);
    if (!scheme.toLowerCase(Locale.ROOT).equals("s3")) {
      throw new IllegalArgumentException("snapshot URI " + uri + " has scheme " + scheme + ", expected s3://bucket/prefix");
    }
    String rest = s.substring(sep + 3);
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) throw new IllegalArgumentException("snapshot URI " + uri + " has an empty bucket name");
    try {
      return new SnapshotUri(bucket, prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("snapshot URI " + uri + ": " + e.getMessage(), e);
    }
  }

  // The rules of S3 bucket names (lower case, digits, dots, hyphens; 3-63; letter or digit at both
  // ends), checked here so that a typo fails the request instead of the listing much later.
  private static void checkBucket(String b) {
    if (b == null || b.isEmpty()) throw new IllegalArgumentException("bucket name is empty");
    if (b.length() < 3 || b.length() > 63) {
      throw new IllegalArgumentException("bucket name '" + b + "' must be 3 to 63 characters long");
    }
    for (int i = 0; i < b.length(); i++) {
      char c = b.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
      if (!ok) {
        throw new IllegalArgumentException("bucket name '" + b + "' has a bad character '" + c
            + "' at " + i + " (allowed: a-z, 0-9, '.', '-')");
      }
    }
    if (!Character.isLetterOrDigit(b.charAt(0)) || !Character.isLetterOrDigit(b.charAt(b.length() - 1))) {
      throw new IllegalArgumentException("bucket name '" + b + "' must start and end with a letter or digit");
    }
    if (b.contains("..")) throw new IllegalArgumentException("bucket name '" + b + "' has two dots in a row");
  }

  private static void checkPrefix(String p) {
    if (p.getBytes(StandardCharsets.UTF_8).length > 1024) {
      throw new IllegalArgumentException("key prefix is longer than 1024 bytes");
    }
    if (p.startsWith("/")) throw new IllegalArgumentException("key prefix '" + p + "' starts with '/' (one slash after the bucket)");
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("key prefix has a control character (code " + (int) c + ") at " + i);
      }
    }
    for (String segment : p.split("/")) {
      // S3 keys may hold "..", but the streaming client refuses such keys (path traversal).
      if (segment.equals("..") || segment.equals(".")) {
        throw new IllegalArgumentException("key prefix '" + p + "' has a '" + segment + "' segment");
      }
    }
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }
}
