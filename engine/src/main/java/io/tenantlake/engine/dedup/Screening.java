package io.tenantlake.engine.dedup;

import io.tenantlake.engine.event.RawEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What {@link RawDeduplicator#screen} decided for one table's batch: the events to write, and counts. */
public final class Screening {
  record Kept(RawEvent event, String key, TenantIdFilter.IdHash hash, long[] fingerprints) {}

  private final Map<String, TenantIdFilter> touched;
  private final List<Kept> kept = new ArrayList<>();
  private final List<RawEvent> events = new ArrayList<>();
  private int duplicates;
  private int conflicts;
  private int tenantsLoaded;
  private int filesRead;
  private int exactChecks;
  private long millis;

  Screening(Map<String, TenantIdFilter> touched) {
    this.touched = touched;
  }

  /** Everything kept, nothing checked (dedup off, or a table without event ids). */
  public static Screening keepAll(List<RawEvent> events) {
    Screening s = new Screening(Map.of());
    s.events.addAll(events);
    return s;
  }

  void keep(RawEvent e, String key, TenantIdFilter.IdHash hash, long[] fingerprints) {
    kept.add(new Kept(e, key, hash, fingerprints));
    events.add(e);
  }

  void duplicate() {
    duplicates++;
  }

  void conflict() {
    conflicts++;
  }

  void setCosts(int tenantsLoaded, int filesRead, int exactChecks, long millis) {
    this.tenantsLoaded = tenantsLoaded;
    this.filesRead = filesRead;
    this.exactChecks = exactChecks;
    this.millis = millis;
  }

  Map<String, TenantIdFilter> touched() {
    return touched;
  }

  List<Kept> kept() {
    return kept;
  }

  /** The events to write, in their order. */
  public List<RawEvent> events() {
    return events;
  }

  /** Events dropped: their id and content are already in the table (or earlier in the batch). */
  public int duplicates() {
    return duplicates;
  }

  /** Events kept although their id is in the table, because their content differs. */
  public int conflicts() {
    return conflicts;
  }

  /** Tenants whose filter was rebuilt from raw for this batch. */
  public int tenantsLoaded() {
    return tenantsLoaded;
  }

  public int filesRead() {
    return filesRead;
  }

  /** Ids the filters said "maybe" for that the recent ids did not know: checked against files. */
  public int exactChecks() {
    return exactChecks;
  }

  public long millis() {
    return millis;
  }
}
