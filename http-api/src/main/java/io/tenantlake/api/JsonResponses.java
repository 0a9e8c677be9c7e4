package io.tenantlake.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;

/** The API's JSON answers: bodies, and errors as {@code {"error": ..., "reason": ...}}. */
public final class JsonResponses {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String REALM = "tenantlake";

  private JsonResponses() {}

  public static HttpResponse error(StatusCode status, String error, String reason) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", error);
    body.put("reason", reason);
    return json(status, body);
  }

  /** 401 with the Bearer challenge; the reason never repeats a token. */
  public static HttpResponse unauthorized(String reason) {
    return error(StatusCodes.UNAUTHORIZED, "unauthorized", reason)
        .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", REALM)));
  }

  public static HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create().withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
