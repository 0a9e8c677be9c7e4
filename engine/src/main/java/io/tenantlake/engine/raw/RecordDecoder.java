package io.tenantlake.engine.raw;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tenantlake.engine.claimcheck.ClaimCheckStore;
import io.tenantlake.engine.event.Decoded;
import io.tenantlake.engine.event.DeadLetter;
import io.tenantlake.engine.event.EventRecords;
import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.event.HashRange;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.engine.event.SourceRecord;
import io.tenantlake.engine.intake.KinesisPublisher;
import io.tenantlake.engine.intake.ShardMap;
import io.tenantlake.proto.EntityType;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.Op;
import io.tenantlake.proto.v1.PayloadEncoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.zip.GZIPInputStream;

/**
 * Turns a record's bytes into a verified {@link RawEvent}: parse the envelope, apply the intake's
 * rules, resolve a claim check (size and sha256 checked), decompress, and check that the payload
 * parses as its entity type's message. Anything that fails becomes a {@link DeadLetter} with the
 * reason: decoding never throws, so one bad record never stops a shard.
 */
public final class RecordDecoder {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RecordDecoder.class);
  private final EventValidator validator;
  private final ClaimCheckStore claimChecks;
  private final long maxPayloadBytes;

  public RecordDecoder(EventValidator validator, ClaimCheckStore claimChecks, long maxPayloadBytes) {
    this.validator = validator;
    this.claimChecks = claimChecks;
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /**
   * Every event of the record, in order: one for a plain record, each packed event of an
   * {@link EventRecords} record (its dead letters name the event's place in the record). A packed
   * record that does not parse is one dead letter. A packed event whose own key lies outside the
   * record's shard ({@link SourceRecord#shardRange()}) is skipped: the intake put it again where it
   * belongs (see {@code KinesisPublisher}).
   */
  public CompletionStage<List<Decoded>> decodeAll(SourceRecord record) {
    if (record.problem() != null || !EventRecords.isPacked(record.data())) return decode(record).thenApply(List::of);
    List<byte[]> events;
    try {
      events = EventRecords.unpack(record.data());
    } catch (InvalidProtocolBufferException e) {
      return done(dead(record, null, "not a packed event record: " + e.getMessage())).thenApply(List::of);
    }
    Origin at = record.origin();
    @SuppressWarnings("unchecked")
    CompletableFuture<Decoded>[] decoded = new CompletableFuture[events.size()];
    for (int i = 0; i < events.size(); i++) {
      String locator = "event " + (i + 1) + " of " + events.size() + " in the record";
      Origin origin = new Origin(at.lane(), at.stream(), at.shardId(), at.sequenceNumber(), locator);
      decoded[i] = decode(new SourceRecord(origin, events.get(i), record.arrivedAt())).toCompletableFuture();
    }
    return CompletableFuture.allOf(decoded).thenApply(v -> {
      List<Decoded> out = new ArrayList<>(decoded.length);
      int misrouted = 0;
      for (CompletableFuture<Decoded> d : decoded) {
        Decoded one = d.join();
        if (record.shardRange() != null && one instanceof Decoded.Event e && !belongs(e, record.shardRange())) {
          misrouted++;
        } else {
          out.add(one);
        }
      }
      if (misrouted > 0) {
        log.info("{}: {} of {} packed events belong to another shard (packed by a stale shard map during a reshard"
            + " and put again on their own shard by the intake); skipped here", at, misrouted, events.size());
      }
      return out;
    });
  }

  /** Whether the event's own partition key hashes into the shard it was read from. */
  private static boolean belongs(Decoded.Event e, HashRange shard) {
    return shard.contains(ShardMap.hashKey(KinesisPublisher.partitionKey(e.event().event())));
  }

  /** One plain record: its event, or a dead letter. */
  public CompletionStage<Decoded> decode(SourceRecord record) {
    if (record.problem() != null) return done(dead(record, null, record.problem()));
    boolean snapshot = record.origin().lane() == Lane.BOOTSTRAP;
    ChangeEvent parsed;
    try {
      parsed = ChangeEvent.parseFrom(record.data());
    } catch (InvalidProtocolBufferException e) {
      String what = snapshot ? "not a BootstrapRecord protobuf: " : "not a ChangeEvent protobuf: ";
      return done(dead(record, null, what + e.getMessage()));
    }
    if (snapshot && parsed.getOp() != Op.OP_UNSPECIFIED) {
      return done(dead(record, parsed, "a bootstrap record carries no op (field 5 is reserved)"));
    }
    // A BootstrapRecord's bytes parse as a ChangeEvent without op (its number is reserved): a
    // snapshot row is an upsert that competes by version like any live event.
    ChangeEvent event = snapshot ? parsed.toBuilder().setOp(Op.OP_UPDATED).build() : parsed;
    var problem = validator.problem(event);
    if (problem.isPresent()) return done(dead(record, event, "invalid event: " + problem.get()));
    EntityType type = validator.registry().find(event.getEntityType()).orElseThrow();
    if (event.hasPayloadRef()) {
      if (claimChecks == null) return done(dead(record, event, "claim checks are not configured"));
      return claimChecks.get(event.getPayloadRef())
          .thenApply(bytes -> finish(record, event, type, bytes, event.getPayloadRef().getUri()))
          .exceptionally(err -> dead(record, event, rootMessage(err)));
    }
    byte[] bytes = event.hasPayload() ? event.getPayload().getValue().toByteArray() : null;
    return done(finish(record, event, type, bytes, null));
  }

  private Decoded finish(SourceRecord record, ChangeEvent event, EntityType type, byte[] stored, String ref) {
    byte[] payload = stored;
    if (stored != null && event.getPayloadEncoding() == PayloadEncoding.PAYLOAD_ENCODING_GZIP) {
      try {
        payload = gunzip(stored, maxPayloadBytes);
      } catch (IOException e) {
        return dead(record, event, "payload is not valid gzip: " + e.getMessage());
      }
    }
    if (payload != null) {
      try {
        type.parse(ByteString.copyFrom(payload));
      } catch (InvalidProtocolBufferException e) {
        return dead(record, event, "payload does not parse as " + type.descriptor().getFullName() + ": " + e.getMessage());
      }
    }
    ChangeEvent envelope = event.toBuilder().clearPayload().build();
    String payloadType = payload == null ? null : type.typeUrl();
    return new Decoded.Event(new RawEvent(envelope, payload, payloadType, ref, record.origin(), Instant.now()));
  }

  static byte[] gunzip(byte[] bytes, long limit) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(bytes.length * 4, 1 << 20));
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + n > limit) throw new IOException("decompressed payload exceeds " + limit + " bytes");
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }
  }

  private static Decoded dead(SourceRecord record, ChangeEvent event, String why) {
    String locator = record.origin().locator();
    String reason = locator == null || why.contains(locator) ? why : why + " [" + locator + "]";
    DeadLetter letter = event == null
        ? new DeadLetter(reason, record.origin(), record.data(), null, null, null, null, Instant.now())
        : new DeadLetter(reason, record.origin(), record.data(), safeTenant(event.getTenantId()),
            event.getEntityType(), event.getEntityId(), event.getEventId(), Instant.now());
    return new Decoded.Dead(letter);
  }

  /** Only a well-formed tenant id may name a partition; anything else files under unknown. */
  private static String safeTenant(String tenant) {
    return EventValidator.TENANT_ID.matcher(tenant).matches() ? tenant : null;
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException)) t = t.getCause();
    return t.getMessage();
  }

  private static CompletionStage<Decoded> done(Decoded d) {
    return CompletableFuture.completedFuture(d);
  }
}
