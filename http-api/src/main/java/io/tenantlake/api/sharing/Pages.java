package io.tenantlake.api.sharing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Paging of the list endpoints ({@code maxResults}, {@code pageToken}): a page token is the offset
 * of the next item, bound to the list it came from (share and what is listed), so a token made
 * for one list is refused by another rather than read as an offset into it.
 */
final class Pages {
  private Pages() {}

  /** A request's page: where it starts and how many it holds. */
  record Page(int offset, int size) {}

  static Page parse(String scope, Optional<String> maxResults, Optional<String> pageToken, int cap) {
    int size = cap;
    if (maxResults.isPresent()) {
      try {
        size = Integer.parseInt(maxResults.get());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("maxResults must be an integer");
      }
      if (size < 0) throw new IllegalArgumentException("maxResults must be non-negative");
      size = Math.min(size, cap);
    }
    int offset = 0;
    if (pageToken.isPresent() && !pageToken.get().isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getUrlDecoder().decode(pageToken.get()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("pageToken is not one this server gave");
      }
      int bar = decoded.lastIndexOf('|');
      if (bar < 0 || !decoded.substring(0, bar).equals(scope)) {
        throw new IllegalArgumentException("pageToken is not one this server gave for this list");
      }
      try {
        offset = Integer.parseInt(decoded.substring(bar + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("pageToken is not one this server gave");
      }
      if (offset < 0) throw new IllegalArgumentException("pageToken is not one this server gave");
    }
    return new Page(offset, size);
  }

  /** {@code {"items": [...], "nextPageToken"?}} for this page of the items. */
  static ObjectNode answer(String scope, Page page, List<ObjectNode> all) {
    ObjectNode body = SharingResponses.JSON.createObjectNode();
    ArrayNode items = body.putArray("items");
    int end = (int) Math.min((long) page.offset() + page.size(), all.size());
    for (int i = page.offset(); i < end; i++) items.add(all.get(i));
    if (end < all.size()) {
      body.put("nextPageToken", Base64.getUrlEncoder().withoutPadding()
          .encodeToString((scope + "|" + end).getBytes(StandardCharsets.UTF_8)));
    }
    return body;
  }
}
