package io.tenantlake.engine.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The data files of a table as storage holds them (not as the log says): for VACUUM, which deletes
 * what no snapshot within retention references, and for writers that clean up files they wrote but
 * never committed. {@code _delta_log} and every other folder or file whose name starts with
 * {@code _} or {@code .} is never listed, so never deleted.
 */
public final class TableFiles {
  /** A file in storage: its path relative to the table root (as {@link DataFile#path()}), size, mtime. */
  public record StoredFile(String path, long sizeBytes, long modificationTime) {}

  private final DeltaTable table;
  private final Path root;
  private final org.apache.hadoop.conf.Configuration conf;

  public TableFiles(DeltaTable table, DeltaStorage storage) {
    this.table = table;
    this.root = new Path(table.location());
    this.conf = storage.hadoopConfiguration();
  }

  public List<StoredFile> list() {
    List<StoredFile> out = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) return out;
      String prefix = fs.makeQualified(root).toUri().getPath();
      if (!prefix.endsWith("/")) prefix = prefix + "/";
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus s = it.next();
        String abs = s.getPath().toUri().getPath();
        if (!abs.startsWith(prefix)) continue;
        String rel = abs.substring(prefix.length());
        if (hidden(rel)) continue;
        out.add(new StoredFile(rel, s.getLen(), s.getModificationTime()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("table " + table.name() + ": cannot list " + root + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Deletes a data file; never one in a hidden folder such as {@code _delta_log}. */
  public boolean delete(String relativePath) {
    if (hidden(relativePath) || relativePath.contains("..")) {
      throw new IllegalArgumentException("table " + table.name() + ": refusing to delete " + relativePath);
    }
    Path p = new Path(root, relativePath);
    try {
      return p.getFileSystem(conf).delete(p, false);
    } catch (IOException e) {
      throw new UncheckedIOException("table " + table.name() + ": cannot delete " + p + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes data files in pages through the file system's bulk delete (on S3 one DeleteObjects
   * request per page, where deleting one by one costs a HEAD and a DELETE per file); never one in
   * a hidden folder. Returns how many the store reported deleted; a page the store refuses is
   * reported with the first path it names.
   */
  public long deleteAll(List<String> relativePaths) {
    for (String rel : relativePaths) {
      if (hidden(rel) || rel.contains("..")) {
        throw new IllegalArgumentException("table " + table.name() + ": refusing to delete " + rel);
      }
    }
    if (relativePaths.isEmpty()) return 0;
    try {
      FileSystem fs = root.getFileSystem(conf);
      long deleted = 0;
      try (org.apache.hadoop.fs.BulkDelete bulk = fs.createBulkDelete(root)) {
        int page = Math.max(1, bulk.pageSize());
        for (int from = 0; from < relativePaths.size(); from += page) {
          List<Path> paths = new ArrayList<>();
          for (String rel : relativePaths.subList(from, Math.min(relativePaths.size(), from + page))) paths.add(new Path(root, rel));
          var failures = bulk.bulkDelete(paths);
          if (!failures.isEmpty()) {
            var first = failures.get(0);
            throw new IOException(failures.size() + " of " + paths.size() + " not deleted, first " + first.getKey() + ": " + first.getValue());
          }
          deleted += paths.size();
        }
      }
      return deleted;
    } catch (IOException e) {
      throw new UncheckedIOException("table " + table.name() + ": cannot delete files under " + root + ": " + e.getMessage(), e);
    }
  }

  private static boolean hidden(String relativePath) {
    for (String segment : relativePath.split("/")) {
      if (segment.startsWith("_") || segment.startsWith(".")) return true;
    }
    return false;
  }
}
