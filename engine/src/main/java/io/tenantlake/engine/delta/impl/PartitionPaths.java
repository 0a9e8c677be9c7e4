package io.tenantlake.engine.delta.impl;

import java.util.List;
import java.util.Map;

/**
 * Directory names for partitions, escaped the way Hive and Spark do ({@code %XX} for anything
 * outside a safe set), so any Delta reader maps a directory back to the same value. The log stores
 * the raw value; the path is only where the file lives.
 */
public final class PartitionPaths {
  private PartitionPaths() {}

  public static String directory(List<String> partitionColumns, Map<String, String> values) {
    StringBuilder sb = new StringBuilder();
    for (String col : partitionColumns) {
      if (!sb.isEmpty()) sb.append('/');
      sb.append(col).append('=').append(escape(values.get(col)));
    }
    return sb.toString();
  }

  static String escape(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      boolean safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
          || ch == '-' || ch == '_' || ch == '.';
      if (safe) sb.append(ch);
      else {
        for (byte b : String.valueOf(ch).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          sb.append('%').append(String.format("%02X", b & 0xff));
        }
      }
    }
    return sb.toString();
  }

  /**
   * The log stores paths as URI-encoded relative paths; the only character our directory names
   * need encoded again is the escape character itself.
   */
  public static String toLogPath(String relativePath) {
    return relativePath.replace("%", "%25");
  }

  public static String fromLogPath(String logPath) {
    return java.net.URLDecoder.decode(logPath.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }
}
