package io.tenantlake.api.sharing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantlake.engine.delta.HistoryUnavailableException;
import io.tenantlake.engine.sharing.Share;
import io.tenantlake.engine.sharing.ShareReader;
import io.tenantlake.engine.sharing.ShareRegistry;
import io.tenantlake.engine.sharing.SharedTable;
import io.tenantlake.engine.sharing.SharingRequestException;
import io.tenantlake.engine.sharing.SharingSettings;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Delta Sharing protocol under {@code /delta-sharing}: a recipient's bearer token opens its
 * one share, whose schemas are {@code refined} (and {@code enhanced}) and whose tables are the
 * share's tenant's partitions of them. Every path is resolved against the token's share: a share
 * name other than its own is a 404 whatever share it names (another tenant's included), so the
 * answer tells nothing of other shares. Storage reads run on the blocking executor.
 */
public final class DeltaSharingRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(DeltaSharingRoutes.class);
  private final ShareRegistry registry;
  private final ShareReader reader;
  private final SharingSettings settings;
  private final Executor blockingIo;
  private final Materializer materializer;

  public DeltaSharingRoutes(ShareRegistry registry, ShareReader reader, SharingSettings settings, Executor blockingIo,
      Materializer materializer) {
    this.registry = registry;
    this.reader = reader;
    this.settings = settings;
    this.blockingIo = blockingIo;
    this.materializer = materializer;
  }

  public Route route() {
    return pathPrefix("delta-sharing", () -> extractRequest(request -> {
      Optional<String> auth = request.getHeader("Authorization").map(HttpHeader::value);
      return onSuccess(CompletableFuture.supplyAsync(() -> authenticate(auth), blockingIo), share -> share
          .map(s -> concat(
              path("shares", () -> get(() -> list(s, "shares", () -> List.of(shareItem(s))))),
              pathPrefix(PathMatchers.segment("shares").slash(PathMatchers.segment()), name -> ownShare(s, name, () ->
                  shareRoutes(s))),
              complete(SharingResponses.notFound("no such endpoint: " + request.getUri().path()))))
          .orElseGet(() -> complete(SharingResponses.error(StatusCodes.UNAUTHORIZED, "UNAUTHENTICATED",
              auth.isEmpty() ? "missing bearer token" : "the bearer token is not valid (unknown, expired, rotated out or revoked)"))));
    }));
  }

  private Optional<Share> authenticate(Optional<String> header) {
    if (header.isEmpty()) return Optional.empty();
    String value = header.get().strip();
    if (value.length() < 7 || !value.substring(0, 7).equalsIgnoreCase("bearer ")) return Optional.empty();
    return registry.authenticate(value.substring(7).strip());
  }

  private Route ownShare(Share share, String name, Supplier<Route> inner) {
    if (!SharedTable.NAME.matcher(name).matches()) return complete(SharingResponses.badRequest("not a share name"));
    if (!name.equalsIgnoreCase(share.name())) {
      return complete(SharingResponses.notFound("share '" + name + "' does not exist or is not shared with this recipient"));
    }
    return inner.get();
  }

  private Route shareRoutes(Share share) {
    return concat(
        pathEnd(() -> get(() -> complete(SharingResponses.json(StatusCodes.OK, wrap("share", shareItem(share)))))),
        path("schemas", () -> get(() -> list(share, "schemas", () -> schemas(share).stream()
            .map(schema -> schemaItem(share, schema)).toList()))),
        path("all-tables", () -> get(() -> list(share, "all-tables", () -> registry.tablesOf(share).stream()
            .map(t -> tableItem(share, t)).toList()))),
        pathPrefix(PathMatchers.segment("schemas").slash(PathMatchers.segment()), schema -> concat(
            path("tables", () -> get(() -> withSchema(share, schema, s -> list(share, "tables/" + s, () ->
                registry.tablesOf(share).stream().filter(t -> t.schema().equals(s)).map(t -> tableItem(share, t)).toList())))),
            pathPrefix(PathMatchers.segment("tables").slash(PathMatchers.segment()), table ->
                withTable(share, schema, table, t -> tableRoutes(share, t))))));
  }

  private Route tableRoutes(Share share, SharedTable t) {
    return concat(
        path("version", () -> get(() -> parameterOptional("startingTimestamp", ts ->
            answer(t, () -> versionOnly(reader.version(t, ts.map(DeltaSharingRoutes::timestamp))))))),
        // The deprecated HEAD form: pekko-http serves HEAD as a GET whose body it drops.
        pathEnd(() -> get(() -> answer(t, () -> versionOnly(reader.version(t, Optional.empty()))))),
        path("metadata", () -> get(() -> parameterOptional("version", v -> parameterOptional("timestamp", ts ->
            answer(t, () -> {
              ShareReader.Answer a = reader.metadata(share, t, v.map(DeltaSharingRoutes::longParam),
                  ts.map(DeltaSharingRoutes::timestamp));
              return SharingResponses.ndjson(a.version(), a.lines());
            }))))),
        path("changes", () -> get(() -> changesRoute(share, t))),
        path("query", () -> post(() -> extractRequestEntity(entity -> completeWithFuture(
            SharingResponses.readObject(entity, materializer)
                .thenApplyAsync(body -> guarded(t, () -> query(share, t, body)), blockingIo)
                .exceptionally(SharingResponses::bodyError))))));
  }

  private Route changesRoute(Share share, SharedTable t) {
    return parameterOptional("startingVersion", sv -> parameterOptional("startingTimestamp", sts ->
        parameterOptional("endingVersion", ev -> parameterOptional("endingTimestamp", ets ->
            answer(t, () -> changes(share, t, sv.map(DeltaSharingRoutes::longParam),
                sts.map(DeltaSharingRoutes::timestamp), ev.map(DeltaSharingRoutes::longParam),
                ets.map(DeltaSharingRoutes::timestamp)))))));
  }

  private HttpResponse query(Share share, SharedTable t, JsonNode body) {
    Optional<Long> startingVersion = optLong(body, "startingVersion");
    if (startingVersion.isPresent()) {
      ShareReader.Answer a = reader.changes(share, t, startingVersion.get(), optLong(body, "endingVersion"));
      return SharingResponses.ndjson(a.version(), a.lines());
    }
    JsonNode hints = body.get("jsonPredicateHints");
    ShareReader.SnapshotQuery q = new ShareReader.SnapshotQuery(optLong(body, "version"),
        optText(body, "timestamp").map(DeltaSharingRoutes::timestamp),
        hints != null && hints.isTextual() ? Optional.of(hints.asText()) : Optional.empty(), optLong(body, "limitHint"));
    ShareReader.Answer a = reader.snapshot(share, t, q);
    return SharingResponses.ndjson(a.version(), a.lines());
  }

  private HttpResponse changes(Share share, SharedTable t, Optional<Long> sv, Optional<Long> sts, Optional<Long> ev,
      Optional<Long> ets) {
    if (sv.isPresent() == sts.isPresent()) {
      throw new SharingRequestException("give exactly one of startingVersion and startingTimestamp");
    }
    if (ev.isPresent() && ets.isPresent()) throw new SharingRequestException("endingVersion and endingTimestamp are exclusive");
    long from = sv.orElseGet(() -> reader.version(t, sts));
    Optional<Long> to = ev.isPresent() ? ev : ets.map(ts -> reader.versionAtOrBefore(t, ts));
    ShareReader.Answer a = reader.changes(share, t, from, to);
    return SharingResponses.ndjson(a.version(), a.lines());
  }

  private static HttpResponse versionOnly(long version) {
    return HttpResponse.create().addHeader(RawHeader.create(SharingResponses.TABLE_VERSION, Long.toString(version)));
  }

  /** Runs storage work off the request thread; a bad parameter is a 400, the rest a 500 naming the table. */
  private Route answer(SharedTable t, Supplier<HttpResponse> work) {
    return completeWithFuture(CompletableFuture.supplyAsync(() -> guarded(t, work), blockingIo));
  }

  private static HttpResponse guarded(SharedTable t, Supplier<HttpResponse> work) {
    try {
      return work.get();
    } catch (SharingRequestException | HistoryUnavailableException | IllegalArgumentException e) {
      return SharingResponses.badRequest(e.getMessage());
    } catch (RuntimeException e) {
      log.warn("sharing: answering for table {} failed", t.lakeTable(), e);
      return SharingResponses.error(StatusCodes.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR",
          "reading table " + t.qualified() + " failed");
    }
  }

  private Route list(Share share, String what, Supplier<List<ObjectNode>> items) {
    return parameterOptional("maxResults", max -> parameterOptional("pageToken", token -> {
      Pages.Page page;
      String scope = share.id() + "/" + what;
      try {
        page = Pages.parse(scope, max, token, settings.pageSize());
      } catch (IllegalArgumentException e) {
        return complete(SharingResponses.badRequest(e.getMessage()));
      }
      return completeWithFuture(CompletableFuture.supplyAsync(
          () -> SharingResponses.json(StatusCodes.OK, Pages.answer(scope, page, items.get())), blockingIo));
    }));
  }

  private List<String> schemas(Share share) {
    List<String> out = new ArrayList<>();
    for (SharedTable t : registry.tablesOf(share)) if (!out.contains(t.schema())) out.add(t.schema());
    return out;
  }

  private Route withSchema(Share share, String schema, java.util.function.Function<String, Route> inner) {
    if (!SharedTable.NAME.matcher(schema).matches()) return complete(SharingResponses.badRequest("not a schema name"));
    String s = schema.toLowerCase(Locale.ROOT);
    if (!s.equals(SharedTable.REFINED) && !s.equals(SharedTable.ENHANCED)) {
      return complete(SharingResponses.notFound("schema '" + schema + "' does not exist in share " + share.name()));
    }
    return inner.apply(s);
  }

  private Route withTable(Share share, String schema, String table, java.util.function.Function<SharedTable, Route> inner) {
    return withSchema(share, schema, s -> {
      if (!SharedTable.NAME.matcher(table).matches()) return complete(SharingResponses.badRequest("not a table name"));
      return onSuccess(CompletableFuture.supplyAsync(() -> registry.tablesOf(share).stream()
          .filter(t -> t.schema().equals(s) && t.name().equalsIgnoreCase(table)).findFirst(), blockingIo), found ->
          found.map(inner).orElseGet(() -> complete(SharingResponses.notFound(
              "table '" + schema + "." + table + "' does not exist in share " + share.name()))));
    });
  }

  private static ObjectNode shareItem(Share share) {
    ObjectNode n = SharingResponses.JSON.createObjectNode();
    n.put("name", share.name());
    n.put("id", share.id());
    return n;
  }

  private static ObjectNode schemaItem(Share share, String schema) {
    ObjectNode n = SharingResponses.JSON.createObjectNode();
    n.put("name", schema);
    n.put("share", share.name());
    return n;
  }

  private static ObjectNode tableItem(Share share, SharedTable t) {
    ObjectNode n = SharingResponses.JSON.createObjectNode();
    n.put("name", t.name());
    n.put("schema", t.schema());
    n.put("share", share.name());
    n.put("shareId", share.id());
    return n;
  }

  private static ObjectNode wrap(String field, ObjectNode value) {
    ObjectNode n = SharingResponses.JSON.createObjectNode();
    n.set(field, value);
    return n;
  }

  static long timestamp(String text) {
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("timestamp \"" + text + "\" is not ISO 8601 in UTC (2022-01-01T00:00:00Z)");
    }
  }

  static long longParam(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a version number");
    }
  }

  private static Optional<Long> optLong(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) return Optional.empty();
    if (!v.canConvertToLong()) throw new IllegalArgumentException(field + " must be an integer");
    return Optional.of(v.asLong());
  }

  private static Optional<String> optText(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) return Optional.empty();
    if (!v.isTextual()) throw new IllegalArgumentException(field + " must be a string");
    return Optional.of(v.asText());
  }
}
