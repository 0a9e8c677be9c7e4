package io.tenantlake.engine.event;

/** The result of decoding one source record: a raw event or a dead letter, never an exception. */
public sealed interface Decoded {
  Origin origin();

  record Event(RawEvent event) implements Decoded {
    @Override
    public Origin origin() {
      return event.origin();
    }
  }

  record Dead(DeadLetter letter) implements Decoded {
    @Override
    public Origin origin() {
      return letter.origin();
    }
  }
}
