package io.tenantlake.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entity type of the contract: its name ({@code "<domain>.<type>"}, e.g. {@code jira.issue}),
 * the payload message its events carry, and the Kinesis stream its events travel on.
 *
 * <p>The default instance is kept (not just the descriptor) because it carries the generated parser:
 * decoding a payload needs no reflection and no class lookup by name.
 */
public record EntityType(String name, Message defaultInstance, String stream) {

  /** Prefix of the type URLs that {@code Any.pack} writes and every protobuf runtime understands. */
  public static final String TYPE_URL_PREFIX = "type.googleapis.com/";

  /** Prefix of the per-domain Kinesis streams: {@code tenantlake-<domain>}. */
  public static final String STREAM_PREFIX = "tenantlake-";

  // Lower-case "<domain>.<type>": the name ends up in table paths (raw/<entity_type>) and stream names.
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*");
  // What Kinesis accepts as a stream name.
  private static final Pattern STREAM = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

  public EntityType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(defaultInstance, "defaultInstance");
    Objects.requireNonNull(stream, "stream");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "entity type name must look like \"<domain>.<type>\" in lower case: \"" + name + "\"");
    }
    if (!STREAM.matcher(stream).matches()) {
      throw new IllegalArgumentException("not a valid Kinesis stream name: \"" + stream + "\"");
    }
    // Callers may pass a built message; only its type matters, and equality should not depend on it.
    defaultInstance = defaultInstance.getDefaultInstanceForType();
  }

  /** An entity type on its domain's stream, {@code tenantlake-<domain>}. */
  public static EntityType of(String name, Message defaultInstance) {
    Objects.requireNonNull(name, "name");
    int dot = name.indexOf('.');
    String domain = dot > 0 ? name.substring(0, dot) : name;
    return new EntityType(name, defaultInstance, STREAM_PREFIX + domain);
  }

  /** The product domain, the part before the dot ({@code jira} for {@code jira.issue}). */
  public String domain() {
    return name.substring(0, name.indexOf('.'));
  }

  public Descriptor descriptor() {
    return defaultInstance.getDescriptorForType();
  }

  /** {@code type.googleapis.com/<full message name>}, as in the event's {@code Any} payload. */
  public String typeUrl() {
    return typeUrlOf(descriptor());
  }

  /** Decodes (uncompressed) payload bytes, e.g. {@code event.getPayload().getValue()}. */
  public Message parse(ByteString bytes) throws InvalidProtocolBufferException {
    return defaultInstance.getParserForType().parseFrom(bytes);
  }

  public static String typeUrlOf(Descriptor descriptor) {
    return TYPE_URL_PREFIX + descriptor.getFullName();
  }
}
