package io.tenantlake.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.Materializer;

/**
 * Small JSON request bodies of the admin API: read with a size limit (never buffered past it),
 * parsed, and handed on; anything else is a 4xx with a JSON reason.
 */
public final class JsonBodies {
  static final long MAX_BYTES = 64 * 1024;
  private static final long READ_TIMEOUT_MILLIS = 10_000;

  private JsonBodies() {}

  static CompletionStage<HttpResponse> read(HttpEntity entity, Materializer materializer,
      Function<JsonNode, CompletionStage<HttpResponse>> handler) {
    return read(entity, materializer, MAX_BYTES, handler);
  }

  /** As {@link #read(HttpEntity, Materializer, Function)}, with a limit of the body's own. */
  public static CompletionStage<HttpResponse> read(HttpEntity entity, Materializer materializer, long maxBytes,
      Function<JsonNode, CompletionStage<HttpResponse>> handler) {
    if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      entity.discardBytes(materializer);
      return java.util.concurrent.CompletableFuture.completedFuture(JsonResponses.error(
          StatusCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Content-Type must be application/json"));
    }
    return entity.withSizeLimit(maxBytes).toStrict(READ_TIMEOUT_MILLIS, maxBytes, materializer)
        .thenCompose(strict -> {
          JsonNode node;
          try {
            node = JsonResponses.JSON.readTree(strict.getData().toArray());
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return java.util.concurrent.CompletableFuture.completedFuture(
                badRequest("the body is not JSON: " + e.getOriginalMessage()));
          } catch (IOException e) {
            return java.util.concurrent.CompletableFuture.completedFuture(badRequest("the body is not JSON"));
          }
          if (node == null || !node.isObject()) {
            return java.util.concurrent.CompletableFuture.completedFuture(badRequest("the body must be a JSON object"));
          }
          return handler.apply(node);
        })
        .exceptionally(err -> {
          Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
              ? err.getCause() : err;
          if (cause instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException) {
            return JsonResponses.error(StatusCodes.PAYLOAD_TOO_LARGE, "too_large",
                "the body is larger than " + maxBytes + " bytes");
          }
          return badRequest("cannot read the body: " + cause.getMessage());
        });
  }

  static HttpResponse badRequest(String reason) {
    return JsonResponses.error(StatusCodes.BAD_REQUEST, "bad_request", reason);
  }

  /** A text field, or null when absent or JSON null; a field of another type is a caller's error. */
  static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw new IllegalArgumentException("\"" + field + "\" must be a string");
    return v.asText();
  }
}
