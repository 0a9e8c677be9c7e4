package io.tenantlake.api.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantlake.api.JsonResponses;
import io.tenantlake.engine.query.QueryException;
import io.tenantlake.engine.query.QueryResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** A query's answer as JSON or CSV, and its failures as JSON errors with their status. */
final class QueryAnswers {
  static final String TRUNCATED_HEADER = "Tenantlake-Truncated";
  static final String VERSIONS_HEADER = "Tenantlake-Table-Versions";

  private QueryAnswers() {}

  static HttpResponse json(QueryResult r) {
    ObjectNode body = JsonResponses.JSON.createObjectNode();
    ArrayNode columns = body.putArray("columns");
    for (QueryResult.ColumnInfo c : r.columns()) columns.addObject().put("name", c.name()).put("type", c.type());
    ArrayNode rows = body.putArray("rows");
    for (List<Object> row : r.rows()) rows.add(JsonResponses.JSON.valueToTree(row));
    body.put("truncated", r.truncated());
    ObjectNode versions = body.putObject("table_versions");
    r.tableVersions().forEach(versions::put);
    body.put("elapsed_ms", r.elapsedMs());
    return JsonResponses.json(StatusCodes.OK, body);
  }

  /** RFC 4180 CSV with a header line; nested values as JSON text; truncation and versions in headers. */
  static HttpResponse csv(QueryResult r) {
    StringBuilder out = new StringBuilder();
    out.append(r.columns().stream().map(c -> field(c.name())).collect(Collectors.joining(","))).append("\r\n");
    for (List<Object> row : r.rows()) {
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) out.append(',');
        Object v = row.get(i);
        if (v == null) continue;
        out.append(field(v instanceof List || v instanceof java.util.Map ? jsonText(v) : v.toString()));
      }
      out.append("\r\n");
    }
    String versions = r.tableVersions().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
    return HttpResponse.create().withStatus(StatusCodes.OK)
        .withEntity(ContentTypes.TEXT_CSV_UTF8, out.toString().getBytes(StandardCharsets.UTF_8))
        .addHeader(RawHeader.create(TRUNCATED_HEADER, Boolean.toString(r.truncated())))
        .addHeader(RawHeader.create(VERSIONS_HEADER, versions));
  }

  private static String jsonText(Object v) {
    try {
      return JsonResponses.JSON.writeValueAsString(v);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return String.valueOf(v);
    }
  }

  private static String field(String s) {
    boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  static HttpResponse error(QueryException e) {
    StatusCode status = switch (e.kind()) {
      case REFUSED, SQL_ERROR -> StatusCodes.BAD_REQUEST;
      case TIMEOUT -> StatusCodes.REQUEST_TIMEOUT;
      case TOO_LARGE -> StatusCodes.PAYLOAD_TOO_LARGE;
      case TOO_MANY -> StatusCodes.TOO_MANY_REQUESTS;
      case UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
    };
    String code = switch (e.kind()) {
      case REFUSED -> "refused";
      case SQL_ERROR -> "sql_error";
      case TIMEOUT -> "timeout";
      case TOO_LARGE -> "too_large";
      case TOO_MANY -> "too_many_queries";
      case UNAVAILABLE -> "unavailable";
    };
    return JsonResponses.error(status, code, e.getMessage());
  }
}
