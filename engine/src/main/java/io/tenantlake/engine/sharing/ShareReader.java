package io.tenantlake.engine.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.TableHistory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the protocol's table endpoints answer, in the parquet response format: the protocol and
 * metaData lines, then one line per file of the share's tenant partition, each with a pre-signed
 * URL. The tenant filter is applied to every file list here, before any URL is made: a file of
 * another tenant's partition never gets one.
 */
public final class ShareReader {
  static final ObjectMapper JSON = new ObjectMapper();

  private final ShareRegistry registry;
  private final FileUrls urls;

  public ShareReader(ShareRegistry registry, FileUrls urls) {
    this.registry = registry;
    this.urls = urls;
  }

  /** The answer's lines and the version its {@code Delta-Table-Version} header carries. */
  public record Answer(long version, List<ObjectNode> lines) {}

  /** A snapshot query's parameters: at most one of version and timestamp (epoch ms). */
  public record SnapshotQuery(Optional<Long> version, Optional<Long> timestamp, Optional<String> jsonPredicateHints,
      Optional<Long> limitHint) {}

  private static Predicate<Map<String, String>> tenantOnly(Share share) {
    return pv -> pv != null && share.tenant().equals(pv.get(ShareRegistry.TENANT_COLUMN));
  }

  /** The latest version, or with a timestamp the earliest version committed at or after it. */
  public long version(SharedTable t, Optional<Long> startingTimestamp) {
    TableHistory h = new TableHistory(registry.table(t));
    if (startingTimestamp.isEmpty()) return h.latestVersion();
    return h.versionAtOrAfter(startingTimestamp.get()).orElseThrow(() -> new SharingRequestException(
        "startingTimestamp is after the table's latest version"));
  }

  /** The latest version committed at or before the instant (an ending timestamp). */
  public long versionAtOrBefore(SharedTable t, long epochMillis) {
    return new TableHistory(registry.table(t)).versionAtOrBefore(epochMillis).orElseThrow(() ->
        new SharingRequestException("the timestamp is before the table's earliest version"));
  }

  public Answer metadata(Share share, SharedTable t, Optional<Long> version, Optional<Long> timestamp) {
    TableHistory h = new TableHistory(registry.table(t));
    long v = resolve(h, version, timestamp);
    List<ObjectNode> lines = new ArrayList<>();
    lines.add(protocolLine());
    lines.add(metadataLine(share, t, h, v, version.isPresent() || timestamp.isPresent()));
    return new Answer(v, lines);
  }

  private static long resolve(TableHistory h, Optional<Long> version, Optional<Long> timestamp) {
    if (version.isPresent() && timestamp.isPresent()) {
      throw new SharingRequestException("version and timestamp are mutually exclusive");
    }
    if (version.isPresent()) return version.get();
    if (timestamp.isPresent()) {
      return h.versionAtOrBefore(timestamp.get()).orElseThrow(() -> new SharingRequestException(
          "timestamp is before the earliest version the table's history holds"));
    }
    return h.latestVersion();
  }

  /** The table's files at a version (latest by default), pruned by the hints where they allow. */
  public Answer snapshot(Share share, SharedTable t, SnapshotQuery q) {
    DeltaTable table = registry.table(t);
    TableHistory h = new TableHistory(table);
    long v = resolve(h, q.version(), q.timestamp());
    boolean timeTravel = q.version().isPresent() || q.timestamp().isPresent();
    Optional<JsonPredicate> predicate = q.jsonPredicateHints().flatMap(JsonPredicate::parse);
    List<ObjectNode> lines = new ArrayList<>();
    lines.add(protocolLine());
    lines.add(metadataLine(share, t, h, v, timeTravel));
    long rows = 0;
    long ts = timeTravel ? h.timestampOf(v) : -1;
    for (DataFile f : h.liveFiles(v, tenantOnly(share))) {
      if (q.limitHint().isPresent() && rows >= q.limitHint().get()) break;
      JsonNode stats = parseStats(f.statsJson());
      if (predicate.isPresent() && !predicate.get().mayMatch(f.partitionValues(), stats)) continue;
      ObjectNode file = fileNode(t, f);
      if (timeTravel) {
        file.put("version", v);
        file.put("timestamp", ts);
      }
      ObjectNode line = JSON.createObjectNode();
      line.set("file", file);
      lines.add(line);
      rows += Math.max(f.numRecords(), 0);
    }
    return new Answer(v, lines);
  }

  /**
   * The files each version from {@code from} to {@code to} (latest by default) added and removed in
   * the tenant's partition: {@code add} and {@code remove} lines with their version and commit
   * timestamp. The refined writer rewrites a partition copy-on-write and writes no change files,
   * so there are no {@code cdf} lines: a rewrite is the old file's remove and the new file's add.
   */
  public Answer changes(Share share, SharedTable t, long from, Optional<Long> to) {
    DeltaTable table = registry.table(t);
    TableHistory h = new TableHistory(table);
    long latest = h.latestVersion();
    long end = Math.min(to.orElse(latest), latest);
    if (to.isPresent() && to.get() < from) throw new SharingRequestException("endingVersion is before startingVersion");
    List<ObjectNode> lines = new ArrayList<>();
    lines.add(protocolLine());
    lines.add(metadataLine(share, t, h, end, false));
    for (TableHistory.FileChange c : h.changes(from, end, tenantOnly(share))) {
      ObjectNode file = fileNode(t, c.file());
      if (!c.added()) file.remove("stats");
      file.put("timestamp", c.timestampMillis());
      file.put("version", c.version());
      ObjectNode line = JSON.createObjectNode();
      line.set(c.added() ? "add" : "remove", file);
      lines.add(line);
    }
    return new Answer(from, lines);
  }

  private ObjectNode fileNode(SharedTable t, DataFile f) {
    FileUrls.Signed signed = urls.sign(t.lakeTable(), f.path());
    ObjectNode file = JSON.createObjectNode();
    file.put("url", signed.url());
    file.put("id", fileId(t, f.path()));
    ObjectNode pv = file.putObject("partitionValues");
    f.partitionValues().forEach(pv::put);
    file.put("size", f.sizeBytes());
    if (f.statsJson() != null) file.put("stats", f.statsJson());
    file.put("expirationTimestamp", signed.expiresAt());
    return file;
  }

  /** Stable per file: the same file has the same id in every answer (clients cache by it). */
  static String fileId(SharedTable t, String path) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest((t.lakeTable() + "/" + path).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parseStats(String stats) {
    if (stats == null) return null;
    try {
      return JSON.readTree(stats);
    } catch (Exception e) {
      return null;
    }
  }

  private static ObjectNode protocolLine() {
    ObjectNode line = JSON.createObjectNode();
    line.putObject("protocol").put("minReaderVersion", 1);
    return line;
  }

  private ObjectNode metadataLine(Share share, SharedTable t, TableHistory h, long version, boolean withVersion) {
    TableHistory.TableMetadata m = h.metadata(version);
    ObjectNode md = JSON.createObjectNode();
    // The lake table's id joined with the tenant: each tenant's view of a table is a table of its own.
    md.put("id", java.util.UUID.nameUUIDFromBytes((m.id() + "/" + share.tenant()).getBytes(StandardCharsets.UTF_8)).toString());
    md.put("name", t.name());
    md.putObject("format").put("provider", "parquet");
    md.put("schemaString", m.schemaJson());
    var parts = md.putArray("partitionColumns");
    m.partitionColumns().forEach(parts::add);
    md.putObject("configuration").put("enableChangeDataFeed", "true");
    if (withVersion) md.put("version", version);
    ObjectNode line = JSON.createObjectNode();
    line.set("metaData", md);
    return line;
  }
}
