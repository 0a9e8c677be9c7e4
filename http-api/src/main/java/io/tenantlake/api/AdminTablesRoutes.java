package io.tenantlake.api;

import io.tenantlake.engine.delta.DeltaStorage;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.TableStatus;
import io.tenantlake.engine.raw.RawTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/admin/tables}: each raw, refined and the deadletter table's version, files, rows
 * and size, from the Delta log (admin token). {@code ?format=text} answers one line per table, for
 * a terminal. Reading logs is blocking IO: it runs on the given executor.
 */
final class AdminTablesRoutes extends AllDirectives {
  private final BearerTokens admins;
  private final DeltaStorage storage;
  private final List<String> tables;
  private final Executor blockingIo;

  AdminTablesRoutes(BearerTokens admins, DeltaStorage storage, java.util.Collection<String> entityTypes,
      java.util.Collection<String> models, Executor blockingIo) {
    this.admins = admins;
    this.storage = storage;
    this.tables = new ArrayList<>();
    entityTypes.stream().sorted().forEach(t -> tables.add(RawTables.rawTableName(t)));
    tables.add(RawTables.DEADLETTER);
    models.forEach(m -> tables.add("refined/" + m));
    this.blockingIo = blockingIo;
  }

  Route route() {
    return path(PathMatchers.segment("v1").slash("admin").slash("tables"), () -> get(() ->
        extractRequest(request -> parameterOptional("format", format -> {
          var problem = admins.check(request.getHeader("Authorization").map(HttpHeader::value));
          if (problem.isPresent()) return complete(JsonResponses.unauthorized(problem.get()));
          return completeWithFuture(CompletableFuture.supplyAsync(this::statuses, blockingIo)
              .thenApply(list -> format.filter("text"::equals).isPresent() ? text(list) : json(list)));
        }))));
  }

  private List<TableStatus> statuses() {
    return tables.stream().map(t -> TableStatus.of(DeltaTable.at(storage, t))).collect(Collectors.toList());
  }

  private HttpResponse json(List<TableStatus> list) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("root", storage.root().toString());
    body.put("tables", list);
    return JsonResponses.json(StatusCodes.OK, body);
  }

  private static HttpResponse text(List<TableStatus> list) {
    String lines = list.stream().map(TableStatus::line).collect(Collectors.joining("\n", "", "\n"));
    return HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, lines);
  }
}
