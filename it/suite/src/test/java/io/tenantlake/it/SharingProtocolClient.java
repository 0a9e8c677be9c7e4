package io.tenantlake.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Delta Sharing client written from the protocol text (PROTOCOL.md), independent of the server's
 * classes. It speaks as one of the two official REST clients does, read from their source
 * (delta-io/delta-sharing): {@link Flavour#PYTHON} as {@code python/delta_sharing/rest_client.py}
 * (requests' session: its User-Agent, no capabilities header on reads, {@code json=} bodies with only
 * the set fields, {@code changes?startingVersion=..&endingVersion=..}), {@link Flavour#SPARK} as
 * {@code DeltaSharingRestClient.scala} (URL-encoded names, {@code delta-sharing-capabilities:
 * responseformat=parquet} on every request, {@code Content-type: application/json} and the
 * serialised {@code QueryTableRequest} with {@code predicateHints} and {@code includeRefreshToken}).
 * Parsing is as strict as theirs: a missing {@code delta-table-version} header fails, the first two
 * lines must be protocol and metaData, every other snapshot line must be a {@code file}, every
 * other change line an {@code add}, {@code remove} or {@code cdf}; a non-200 answer fails.
 */
final class SharingProtocolClient {
  enum Flavour { PYTHON, SPARK }

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String PYTHON_AGENT = "Delta-Sharing-Python/1.1.0 pandas/2.2.3 PyArrow/18.1.0 Python/3.11.2 System/Linux";
  static final String SPARK_AGENT = "Delta-Sharing-Spark/1.3.0 Spark/3.5.3 QueryId-1a2b3c4d Hadoop/3.3.6 Linux/6.1 java/17";

  final String endpoint;
  final String token;
  final Flavour flavour;
  /** Every raw answer body this client received, for the isolation checks. */
  final List<String> bodies = new ArrayList<>();

  SharingProtocolClient(String endpoint, String token, Flavour flavour) {
    this.endpoint = endpoint.replaceAll("/+$", "");
    this.token = token;
    this.flavour = flavour;
  }

  record Answer(int status, Map<String, List<String>> headers, String body) {
    Optional<String> header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).findFirst();
    }

    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  /** A table's protocol, metadata, file lines (snapshot) or change lines, and the version header. */
  record Actions(long version, JsonNode protocol, JsonNode metadata, List<JsonNode> files, String capabilities) {}

  private String enc(String name) {
    // Python formats names into the path as they are; Spark URL-encodes each.
    return flavour == Flavour.SPARK ? URLEncoder.encode(name, StandardCharsets.UTF_8) : name;
  }

  Answer send(String method, String target, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + target)).timeout(Duration.ofSeconds(60));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (flavour == Flavour.PYTHON) {
      b.header("User-Agent", PYTHON_AGENT);
      b.header("Accept", "*/*");
      if (body != null) b.header("Content-Type", "application/json");
    } else {
      b.header("User-Agent", SPARK_AGENT);
      b.header("delta-sharing-capabilities", "responseformat=parquet");
      if (body != null) b.header("Content-type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    bodies.add(r.body());
    return new Answer(r.statusCode(), r.headers().map(), r.body());
  }

  private Answer ok(Answer a, String what) {
    if (a.status() != 200) throw new AssertionError(what + " answered " + a.status() + ": " + a.body());
    return a;
  }

  /** A paged list: follows nextPageToken as the clients do, each page at most {@code maxResults}. */
  List<JsonNode> list(String path, Integer maxResults) throws Exception {
    List<JsonNode> items = new ArrayList<>();
    String pageToken = null;
    do {
      StringBuilder q = new StringBuilder();
      if (maxResults != null) q.append("maxResults=").append(maxResults);
      if (pageToken != null) q.append(q.isEmpty() ? "" : "&").append("pageToken=").append(URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
      JsonNode page = ok(send("GET", path + (q.isEmpty() ? "" : "?" + q), null), path).json();
      JsonNode its = page.get("items");
      if (its != null) {
        if (maxResults != null && its.size() > maxResults) throw new AssertionError(path + " gave more than maxResults");
        its.forEach(items::add);
      }
      JsonNode next = page.get("nextPageToken");
      pageToken = next == null || next.isNull() || next.asText().isEmpty() ? null : next.asText();
    } while (pageToken != null);
    return items;
  }

  List<JsonNode> shares(Integer max) throws Exception {
    return list("/shares", max);
  }

  List<JsonNode> schemas(String share, Integer max) throws Exception {
    return list("/shares/" + enc(share) + "/schemas", max);
  }

  List<JsonNode> tables(String share, String schema, Integer max) throws Exception {
    return list("/shares/" + enc(share) + "/schemas/" + enc(schema) + "/tables", max);
  }

  List<JsonNode> allTables(String share, Integer max) throws Exception {
    return list("/shares/" + enc(share) + "/all-tables", max);
  }

  private String tablePath(String share, String schema, String table) {
    return "/shares/" + enc(share) + "/schemas/" + enc(schema) + "/tables/" + enc(table);
  }

  long version(String share, String schema, String table, String startingTimestamp) throws Exception {
    String q = startingTimestamp == null ? "" : "?startingTimestamp=" + URLEncoder.encode(startingTimestamp, StandardCharsets.UTF_8);
    Answer a = ok(send("GET", tablePath(share, schema, table) + "/version" + q, null), "version");
    return Long.parseLong(a.header("delta-table-version").orElseThrow(() -> new AssertionError("Missing delta-table-version header")));
  }

  Actions metadata(String share, String schema, String table) throws Exception {
    Answer a = ok(send("GET", tablePath(share, schema, table) + "/metadata", null), "metadata");
    return parse(a, false, true);
  }

  /** A snapshot query (latest, or at a version): the body each client would send. */
  Actions query(String share, String schema, String table, Long version, Long limitHint, String jsonPredicateHints)
      throws Exception {
    ObjectNode body = JSON.createObjectNode();
    if (flavour == Flavour.SPARK) {
      body.putArray("predicateHints");
      if (limitHint != null) body.put("limitHint", limitHint);
      if (version != null) body.put("version", version);
      if (jsonPredicateHints != null) body.put("jsonPredicateHints", jsonPredicateHints);
      body.put("includeRefreshToken", version == null);
    } else {
      if (jsonPredicateHints != null) body.put("jsonPredicateHints", jsonPredicateHints);
      if (limitHint != null) body.put("limitHint", limitHint);
      if (version != null) body.put("version", version);
    }
    Answer a = ok(send("POST", tablePath(share, schema, table) + "/query", JSON.writeValueAsString(body)), "query");
    return parse(a, false, false);
  }

  /** Changes from a version: Python's and Spark's {@code changes} GET. */
  Actions changes(String share, String schema, String table, long startingVersion, Long endingVersion) throws Exception {
    String q = "startingVersion=" + startingVersion + (endingVersion == null ? "" : "&endingVersion=" + endingVersion);
    Answer a = ok(send("GET", tablePath(share, schema, table) + "/changes?" + q, null), "changes");
    return parse(a, true, false);
  }

  /** The query form of changes (Spark streaming's getFiles with startingVersion). */
  Actions queryChanges(String share, String schema, String table, long startingVersion, Long endingVersion) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("predicateHints");
    body.put("startingVersion", startingVersion);
    if (endingVersion != null) body.put("endingVersion", endingVersion);
    Answer a = ok(send("POST", tablePath(share, schema, table) + "/query", JSON.writeValueAsString(body)), "query changes");
    return parse(a, true, false);
  }

  private Actions parse(Answer a, boolean changes, boolean metadataOnly) throws Exception {
    String v = a.header("delta-table-version").orElseThrow(() -> new AssertionError("Missing delta-table-version header"));
    String caps = a.header("delta-sharing-capabilities").orElse("");
    if (caps.toLowerCase().contains("responseformat=delta")) throw new AssertionError("delta format answered to a parquet client");
    if (!a.header("content-type").orElse("").startsWith("application/x-ndjson")) {
      throw new AssertionError("not ndjson: " + a.header("content-type"));
    }
    String[] lines = a.body().split("\n");
    JsonNode protocol = JSON.readTree(lines[0]).get("protocol");
    JsonNode metadata = JSON.readTree(lines[1]).get("metaData");
    if (protocol == null || protocol.get("minReaderVersion").asInt() != 1) throw new AssertionError("bad protocol line " + lines[0]);
    for (String f : List.of("id", "format", "schemaString", "partitionColumns")) {
      if (metadata == null || !metadata.has(f)) throw new AssertionError("metaData lacks " + f + ": " + lines[1]);
    }
    if (metadataOnly && lines.length != 2) throw new AssertionError("metadata answers two lines, got " + lines.length);
    List<JsonNode> files = new ArrayList<>();
    for (int i = 2; i < lines.length; i++) {
      JsonNode line = JSON.readTree(lines[i]);
      if (line.size() != 1) throw new AssertionError("a line holds one action: " + lines[i]);
      String kind = line.fieldNames().next();
      boolean allowed = changes ? List.of("add", "remove", "cdf", "metaData").contains(kind) : kind.equals("file");
      if (!allowed) throw new AssertionError("unexpected " + kind + " line: " + lines[i]);
      JsonNode f = line.get(kind);
      if (kind.equals("metaData")) continue;
      for (String req : changes ? List.of("url", "id", "partitionValues", "size", "timestamp", "version")
          : List.of("url", "id", "partitionValues", "size")) {
        if (!f.has(req)) throw new AssertionError(kind + " lacks " + req + ": " + lines[i]);
      }
      ((ObjectNode) f).put("_kind", kind);
      files.add(f);
    }
    return new Actions(Long.parseLong(v), protocol, metadata, files, caps);
  }
}
