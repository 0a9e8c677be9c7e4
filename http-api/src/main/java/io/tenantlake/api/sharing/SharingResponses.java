package io.tenantlake.api.sharing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.stream.Materializer;

/**
 * The sharing answers: JSON bodies, ndjson action streams with the protocol's headers, errors as
 * the protocol writes them ({@code {"errorCode", "message"}}), and small JSON request bodies read
 * with a size limit.
 */
final class SharingResponses {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ContentType NDJSON = ContentTypes.create(MediaTypes.applicationWithFixedCharset("x-ndjson", HttpCharsets.UTF_8));
  static final String CAPABILITIES = "delta-sharing-capabilities";
  static final String TABLE_VERSION = "Delta-Table-Version";
  /** The response format every answer has: parquet (the delta format is not served). */
  static final String RESPONSE_FORMAT = "responseformat=parquet";
  static final long MAX_BODY_BYTES = 1024 * 1024;

  private SharingResponses() {}

  static HttpResponse error(StatusCode status, String code, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("errorCode", code);
    body.put("message", message);
    HttpResponse r = json(status, body);
    return status.intValue() == 401 ? r.addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "delta-sharing"))) : r;
  }

  static HttpResponse badRequest(String message) {
    return error(StatusCodes.BAD_REQUEST, "INVALID_PARAMETER_VALUE", message);
  }

  static HttpResponse notFound(String message) {
    return error(StatusCodes.NOT_FOUND, "RESOURCE_DOES_NOT_EXIST", message);
  }

  static HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create().withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An ndjson answer: one JSON object a line, the table version and response format in headers. */
  static HttpResponse ndjson(long version, List<ObjectNode> lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (ObjectNode line : lines) {
        out.write(JSON.writeValueAsBytes(line));
        out.write('\n');
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return HttpResponse.create().withEntity(org.apache.pekko.http.javadsl.model.HttpEntities.create(NDJSON, out.toByteArray()))
        .addHeader(RawHeader.create(TABLE_VERSION, Long.toString(version)))
        .addHeader(RawHeader.create(CAPABILITIES, RESPONSE_FORMAT));
  }

  /** The body as a JSON object; an empty body is an empty object (the protocol's "no hints"). */
  static CompletionStage<JsonNode> readObject(HttpEntity entity, Materializer mat) {
    return entity.withSizeLimit(MAX_BODY_BYTES).toStrict(10_000, MAX_BODY_BYTES, mat).thenApply(strict -> {
      byte[] bytes = strict.getData().toArray();
      if (bytes.length == 0) return JSON.createObjectNode();
      JsonNode node;
      try {
        node = JSON.readTree(bytes);
      } catch (java.io.IOException e) {
        throw new BadBody("the body is not JSON");
      }
      if (node == null || node.isNull()) return JSON.createObjectNode();
      if (!node.isObject()) throw new BadBody("the body must be a JSON object");
      return node;
    });
  }

  /** A request body that cannot be read as asked: a 400 (or 413 past the size limit). */
  static final class BadBody extends RuntimeException {
    BadBody(String message) {
      super(message);
    }
  }

  /** The answer for a failure while reading a body. */
  static HttpResponse bodyError(Throwable err) {
    Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
    if (cause instanceof BadBody b) return badRequest(b.getMessage());
    if (cause instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException) {
      return error(StatusCodes.PAYLOAD_TOO_LARGE, "INVALID_PARAMETER_VALUE", "the body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    return badRequest("cannot read the body: " + cause.getMessage());
  }

  static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
