package io.tenantlake.engine.event;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tenantlake.proto.v1.EventRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kinesis record format: either one ChangeEvent's protobuf bytes, or several events packed
 * into an {@link EventRecord} behind a 4-byte marker. The marker starts with 0x00, which is never
 * the first byte of a non-empty protobuf message (field number 0 does not exist), so the two forms
 * cannot be confused and records written before packing existed still read as they did.
 */
public final class EventRecords {
  /** 0x00 'T' 'L' and the format version. */
  private static final byte[] MARKER = {0x00, 'T', 'L', 0x01};

  private static final int EVENTS_TAG =
      (EventRecord.EVENTS_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

  /** What one more event costs in a packed record beyond its own bytes: tag and length. */
  public static final int PER_EVENT_OVERHEAD = 1 + 5;

  private EventRecords() {}

  public static int markerLength() {
    return MARKER.length;
  }

  /** True when the record is a packed {@link EventRecord} (by its marker). */
  public static boolean isPacked(byte[] data) {
    if (data.length < MARKER.length) return false;
    for (int i = 0; i < MARKER.length; i++) {
      if (data[i] != MARKER[i]) return false;
    }
    return true;
  }

  /** The events as one record: the marker, then field 1 once per event, in order. */
  public static byte[] pack(List<byte[]> events) {
    int size = MARKER.length;
    for (byte[] e : events) size += CodedOutputStream.computeByteArraySize(EventRecord.EVENTS_FIELD_NUMBER, e);
    byte[] out = new byte[size];
    System.arraycopy(MARKER, 0, out, 0, MARKER.length);
    CodedOutputStream coded = CodedOutputStream.newInstance(out, MARKER.length, size - MARKER.length);
    try {
      for (byte[] e : events) coded.writeByteArray(EventRecord.EVENTS_FIELD_NUMBER, e);
      coded.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("packing " + events.size() + " events", e);
    }
    return out;
  }

  /**
   * The serialized events of a packed record, in order.
   *
   * @throws InvalidProtocolBufferException when the bytes after the marker are not an EventRecord
   */
  public static List<byte[]> unpack(byte[] data) throws InvalidProtocolBufferException {
    if (!isPacked(data)) throw new InvalidProtocolBufferException("not a packed event record (no marker)");
    // Read field by field rather than through EventRecord.parseFrom: each event is copied once.
    CodedInputStream in = CodedInputStream.newInstance(data, MARKER.length, data.length - MARKER.length);
    List<byte[]> out = new ArrayList<>();
    try {
      for (int tag; (tag = in.readTag()) != 0; ) {
        if (tag == EVENTS_TAG) {
          out.add(in.readByteArray());
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return out;
  }
}
