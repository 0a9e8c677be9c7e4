package io.tenantlake.engine.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tenantlake.proto.v1.ChangeEvent;
import io.tenantlake.proto.v1.EventRecord;
import io.tenantlake.proto.v1.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventRecordsTest {
  static byte[] event(int i) {
    return ChangeEvent.newBuilder().setEventId("e" + i).setTenantId("t").setEntityType("jira.issue")
        .setEntityId("I-" + i).setOp(Op.OP_UPDATED).setVersion(i + 1).build().toByteArray();
  }

  @Test
  void packedEventsComeBackInOrderByteForByte() throws Exception {
    List<byte[]> events = new ArrayList<>();
    for (int i = 0; i < 300; i++) events.add(event(i));
    events.add(new byte[0]); // an empty event is still an element of its own
    byte[] packed = EventRecords.pack(events);

    assertThat(EventRecords.isPacked(packed)).isTrue();
    List<byte[]> back = EventRecords.unpack(packed);
    assertThat(back).hasSize(events.size());
    for (int i = 0; i < events.size(); i++) assertThat(back.get(i)).isEqualTo(events.get(i));
    // The bytes after the marker are a plain EventRecord: any protobuf reader can unpack them.
    EventRecord parsed = EventRecord.parseFrom(Arrays.copyOfRange(packed, EventRecords.markerLength(), packed.length));
    assertThat(parsed.getEventsCount()).isEqualTo(events.size());
  }

  @Test
  void aSingleChangeEventIsNeverTakenForAPackedRecord() {
    for (int i = 0; i < 50; i++) assertThat(EventRecords.isPacked(event(i))).isFalse();
    assertThat(EventRecords.isPacked(new byte[0])).isFalse();
    assertThat(EventRecords.isPacked(new byte[] {0x00, 'T', 'L'})).isFalse();
  }

  @Test
  void aDamagedPackedRecordIsAnErrorNotAShorterList() {
    byte[] packed = EventRecords.pack(List.of(event(1), event(2)));
    byte[] cut = Arrays.copyOf(packed, packed.length - 5);
    assertThatThrownBy(() -> EventRecords.unpack(cut)).isInstanceOf(InvalidProtocolBufferException.class);
    assertThatThrownBy(() -> EventRecords.unpack(event(1))).isInstanceOf(InvalidProtocolBufferException.class);
  }
}
