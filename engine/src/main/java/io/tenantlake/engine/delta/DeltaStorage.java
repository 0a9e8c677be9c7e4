package io.tenantlake.engine.delta;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;

/**
 * Where a region's tables live: a root URI ({@code file:///...} for the embedded default,
 * {@code s3a://bucket/prefix} for S3 or any S3-compatible store) and the Hadoop settings that
 * reach it. Immutable; the Hadoop configuration is built once and shared by the tables.
 */
public final class DeltaStorage {
  private final URI root;
  private final Map<String, String> hadoopProperties;
  private final Configuration conf;

  private DeltaStorage(URI root, Map<String, String> hadoopProperties) {
    this.root = Objects.requireNonNull(root, "root");
    this.hadoopProperties = Map.copyOf(hadoopProperties);
    String scheme = root.getScheme();
    if (!"file".equals(scheme) && !"s3a".equals(scheme)) {
      throw new IllegalArgumentException("table root must be file:// or s3a://, got " + root);
    }
    this.conf = new Configuration();
    // Delta's S3 log store is single-writer per table: that is the cluster's rule too.
    this.conf.set("delta.logStore.s3a.impl", "io.delta.storage.S3SingleDriverLogStore");
    // The local file system's .crc side files confuse nothing but clutter every listing.
    this.conf.setBoolean("fs.file.impl.disable.cache", true);
    // Data files are written once, under fresh unique names: buffer them in memory rather than on
    // local disk, and skip create()'s overwrite and parent-directory probes.
    this.conf.set("fs.s3a.fast.upload.buffer", "bytebuffer");
    // Without Hadoop's native library the local file system forks chmod for every file it creates.
    this.conf.set("fs.file.impl", io.tenantlake.engine.delta.impl.ForklessLocalFileSystem.class.getName());
    // Vectored reads start threads per file read: no gain for our small files.
    this.conf.setBoolean("parquet.hadoop.vectored.io.enabled", false);
    this.conf.setBoolean("fs.s3a.create.performance", true);
    hadoopProperties.forEach(conf::set);
  }

  /** Tables in a local directory. */
  public static DeltaStorage local(java.nio.file.Path directory) {
    return new DeltaStorage(directory.toAbsolutePath().toUri(), Map.of());
  }

  /**
   * Tables in an S3 bucket (any S3-compatible store: path-style addressing, the given endpoint).
   * Hadoop keeps one S3A file system per bucket and JVM, configured by the first storage that
   * reached it: one JVM should reach a bucket through one endpoint.
   *
   * @param s3aProperties the {@code fs.s3a.*} settings (endpoint, credentials provider, keys)
   */
  public static DeltaStorage s3(String bucket, String prefix, Map<String, String> s3aProperties) {
    String p = prefix == null || prefix.isEmpty() ? "" : "/" + prefix.replaceAll("^/+|/+$", "");
    return new DeltaStorage(URI.create("s3a://" + bucket + p), s3aProperties);
  }

  public static DeltaStorage of(URI root, Map<String, String> hadoopProperties) {
    return new DeltaStorage(root, hadoopProperties);
  }

  public URI root() {
    return root;
  }

  public Map<String, String> hadoopProperties() {
    return hadoopProperties;
  }

  /** The table's location: the root plus a relative name such as {@code raw/jira.issue}. */
  public String tableLocation(String tableName) {
    if (tableName.startsWith("/") || tableName.contains("..")) {
      throw new IllegalArgumentException("table name must be relative: " + tableName);
    }
    String r = root.toString();
    return (r.endsWith("/") ? r : r + "/") + tableName;
  }

  /**
   * Writes a small state file (a job's definition, say) beside the tables, replacing it whole:
   * written under a temporary name and renamed on a file system, a single PUT on S3.
   */
  public void writeStateFile(String relativePath, byte[] content) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(tableLocation(relativePath));
    try {
      org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(conf);
      boolean local = "file".equals(root.getScheme());
      org.apache.hadoop.fs.Path target = local
          ? new org.apache.hadoop.fs.Path(path.getParent(), "." + path.getName() + "." + java.util.UUID.randomUUID() + ".tmp")
          : path;
      try (var out = fs.create(target, true)) {
        out.write(content);
      }
      if (local && !fs.rename(target, path)) {
        fs.delete(path, false);
        if (!fs.rename(target, path)) throw new java.io.IOException("cannot rename " + target + " to " + path);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write state file " + path + ": " + e.getMessage(), e);
    }
  }

  /** The names of the state files in a folder beside the tables (empty when there is none). */
  public java.util.List<String> listStateFiles(String relativeDir) {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tableLocation(relativeDir));
    try {
      org.apache.hadoop.fs.FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) return java.util.List.of();
      java.util.List<String> names = new java.util.ArrayList<>();
      for (var status : fs.listStatus(dir)) {
        String name = status.getPath().getName();
        if (status.isFile() && !name.startsWith(".")) names.add(name);
      }
      java.util.Collections.sort(names);
      return names;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list state files in " + dir + ": " + e.getMessage(), e);
    }
  }

  public byte[] readStateFile(String relativePath) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(tableLocation(relativePath));
    try (var in = path.getFileSystem(conf).open(path)) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read state file " + path + ": " + e.getMessage(), e);
    }
  }

  Configuration hadoopConfiguration() {
    return conf;
  }

  @Override
  public String toString() {
    return "DeltaStorage[" + root + "]";
  }
}
