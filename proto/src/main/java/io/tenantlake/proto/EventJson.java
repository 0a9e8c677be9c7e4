package io.tenantlake.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.tenantlake.proto.v1.BootstrapRecord;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.EventBatch;
import java.util.Objects;

/**
 * The JSON form of the contract: the canonical proto3 JSON mapping (lowerCamelCase field names on
 * output, both spellings accepted on input; int64 as strings; Timestamps as RFC 3339; enums by name).
 * Standard mapping rather than a hand-made one, so any protobuf library can produce and read it.
 *
 * <p>{@code Any} payloads appear as JSON objects with an {@code "@type"} member, which needs the
 * payload messages known up front: they come from the {@link EntityTypeRegistry}. Unknown fields
 * are rejected rather than ignored, so a typo surfaces as an error instead of a silently empty field.
 * Thread-safe: the JsonFormat printer and parser are immutable.
 */
public final class EventJson {

  private final EntityTypeRegistry registry;
  private final JsonFormat.Printer printer;
  private final JsonFormat.Parser parser;

  public EventJson(EntityTypeRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.printer =
        JsonFormat.printer()
            .usingTypeRegistry(registry.typeRegistry())
            .omittingInsignificantWhitespace();
    this.parser = JsonFormat.parser().usingTypeRegistry(registry.typeRegistry());
  }

  /** With {@link EntityTypeRegistry#defaults()}. */
  public static EventJson defaults() {
    return new EventJson(EntityTypeRegistry.defaults());
  }

  public EntityTypeRegistry registry() {
    return registry;
  }

  /** The body of {@code POST /v1/events} in JSON: {@code {"events": [...]}}. */
  public EventBatch parseBatch(String json) {
    return parse(json, EventBatch.newBuilder()).build();
  }

  public ChangeEvent parseEvent(String json) {
    return parse(json, ChangeEvent.newBuilder()).build();
  }

  public BootstrapRecord parseBootstrapRecord(String json) {
    return parse(json, BootstrapRecord.newBuilder()).build();
  }

  /** A payload of the given entity type from its JSON form (without "@type"). */
  public Message parsePayload(EntityType type, String json) {
    return parse(json, type.defaultInstance().newBuilderForType()).build();
  }

  /** Merges JSON into any builder of the contract; the error names the message type. */
  public <B extends Message.Builder> B parse(String json, B builder) {
    Objects.requireNonNull(builder, "builder");
    String type = builder.getDescriptorForType().getFullName();
    if (json == null || json.isBlank()) {
      throw new EventJsonException("invalid " + type + " JSON: empty input", null);
    }
    try {
      parser.merge(json, builder);
      return builder;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // JsonFormat reports most problems as InvalidProtocolBufferException, but a few kinds of
      // malformed input still escape as runtime exceptions from its JSON reader.
      throw new EventJsonException("invalid " + type + " JSON: " + reason(e), e);
    }
  }

  /**
   * Compact JSON of an event, a batch, a record or a payload. Fails for an {@code Any} whose type
   * is not registered, or whose bytes do not decode (e.g. an inline gzip payload).
   */
  public String print(MessageOrBuilder message) {
    try {
      return printer.print(message);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new EventJsonException(
          "cannot print " + message.getDescriptorForType().getFullName() + " as JSON: " + reason(e),
          e);
    }
  }

  private static String reason(Throwable e) {
    // The outermost message is JsonFormat's ("Not an int64 value: \"soon\""); causes only add
    // detail (a NumberFormatException that no longer names the value), so they are the fallback.
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }
}
