package io.tenantlake.api;

import io.tenantlake.sharding.IngestWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/admin/ingest} (admin token): whether this node runs the lanes (it is the cluster's
 * writer of the tables), which node does, and the lanes' shard lag when they run here.
 */
final class AdminIngestRoutes extends AllDirectives {
  private final BearerTokens admins;
  private final IngestWriter.Status writer;
  private final java.util.function.LongSupplier maxLag;

  AdminIngestRoutes(BearerTokens admins, IngestWriter.Status writer, java.util.function.LongSupplier maxLag) {
    this.admins = admins;
    this.writer = writer;
    this.maxLag = maxLag;
  }

  Route route() {
    return path(PathMatchers.segment("v1").slash("admin").slash("ingest"), () -> get(() ->
        optionalHeaderValueByName("Authorization", auth -> {
          var problem = admins.check(auth);
          if (problem.isPresent()) return complete(JsonResponses.unauthorized(problem.get()));
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("node", writer.self());
          body.put("writer_here", writer.isLocal());
          body.put("writer_node", writer.writerNode().orElse(null));
          if (writer.isLocal()) body.put("max_shard_lag_ms", maxLag.getAsLong());
          return complete(JsonResponses.json(StatusCodes.OK, body));
        })));
  }
}
