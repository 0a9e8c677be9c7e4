package io.tenantlake.engine.dedup;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.event.RawEvent;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops, before a raw table writes them, the events whose {@code event_id} the table already holds
 * for their tenant within the window: a producer's retry or a duplicate send is stored once, across
 * batches, restarts and lanes. An id seen again with other content is kept and counted as a
 * conflict.
 *
 * <p>Per (table, tenant), a {@link TenantIdFilter} says "maybe held"; a maybe is decided exactly,
 * first from the {@link RecentIds} and otherwise by reading that tenant's files of the window. A
 * filter is built from raw the first time its tenant is seen (after a start or a crash, nothing is
 * trusted that raw does not hold) and is updated only after the commit that stores the ids, so a
 * failed commit leaves it as it was. Calls for one table must not overlap; tables may run at once.
 */
public final class RawDeduplicator {
  private static final Logger log = LoggerFactory.getLogger(RawDeduplicator.class);
  private static final int CONFLICTS_LOGGED_PER_BATCH = 20;

  private final DedupSettings settings;
  private final Clock clock;
  private final RecentIds recent;
  private final Map<String, TenantFiles> files = new ConcurrentHashMap<>();
  private final FilterMemory filters;

  public RawDeduplicator(DedupSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.recent = new RecentIds(settings.recentIds());
    this.filters = new FilterMemory(settings.maxMemoryBytes());
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /**
   * Which of a table's events (in order) to write. Blocking: may read the tenants' raw files.
   *
   * @param io where files are read in parallel
   */
  public Screening screen(DeltaTable table, List<RawEvent> events, Executor io) {
    if (!settings.enabled() || events.isEmpty()) return Screening.keepAll(events);
    long started = System.nanoTime();
    String name = table.name();
    long firstDay = clock.instant().atZone(ZoneOffset.UTC).toLocalDate().toEpochDay() - settings.windowDays() + 1;
    TenantFiles tenantFiles = files.computeIfAbsent(name, n -> new TenantFiles(table));
    FilterLoads loads = new FilterLoads(table, tenantFiles, firstDay, settings.falsePositiveRate(), io);
    Map<String, long[]> known = new HashMap<>();
    Map<String, TenantIdFilter> touched = new LinkedHashMap<>();
    Map<String, List<String>> toCheck = new LinkedHashMap<>();
    String[] keys = new String[events.size()];
    TenantIdFilter.IdHash[] hashes = new TenantIdFilter.IdHash[events.size()];
    for (int i = 0; i < keys.length; i++) {
      RawEvent e = events.get(i);
      String tenant = e.event().getTenantId();
      String id = e.event().getEventId();
      String key = keys[i] = RecentIds.key(name, tenant, id);
      TenantIdFilter.IdHash hash = hashes[i] = TenantIdFilter.IdHash.of(id);
      if (known.containsKey(key)) continue;
      TenantIdFilter filter = touched.computeIfAbsent(tenant,
          t -> filters.get(name, t).orElseGet(() -> filters.put(name, t, loads.load(t))));
      known.put(key, null);
      // The filter first: most ids are new, and every id the recent ids hold is in the filter (or in
      // raw, from which a missing filter is built), so only a "maybe" needs the recent ids.
      if (!filter.mightContain(hash)) continue;
      long[] remembered = recent.get(key);
      if (remembered != null) known.put(key, remembered);
      else toCheck.computeIfAbsent(tenant, t -> new ArrayList<>()).add(id);
    }
    int checkedFiles = 0;
    for (Map.Entry<String, List<String>> check : toCheck.entrySet()) {
      Map<String, long[]> found = loads.fingerprints(check.getKey(), check.getValue());
      checkedFiles += loads.lastFilesRead();
      found.forEach((id, fps) -> known.put(RecentIds.key(name, check.getKey(), id), fps));
    }
    Screening s = decide(name, events, keys, hashes, known, touched);
    s.setCosts(loads.tenantsLoaded(), loads.filesRead() + checkedFiles, toCheck.values().stream().mapToInt(List::size).sum(),
        (System.nanoTime() - started) / 1_000_000);
    if (loads.filesRead() > 0) {
      log.info("dedup {}: rebuilt the id filters of {} tenants from {} files ({} ids) in {} ms", name,
          loads.tenantsLoaded(), loads.filesRead(), loads.idsLoaded(), (System.nanoTime() - started) / 1_000_000);
    }
    return s;
  }

  private Screening decide(String table, List<RawEvent> events, String[] keys, TenantIdFilter.IdHash[] hashes,
      Map<String, long[]> known, Map<String, TenantIdFilter> touched) {
    Screening s = new Screening(touched);
    for (int i = 0; i < keys.length; i++) {
      RawEvent e = events.get(i);
      String tenant = e.event().getTenantId();
      String key = keys[i];
      long fp = EventFingerprint.of(e);
      long[] fps = known.get(key);
      if (contains(fps, fp)) {
        s.duplicate();
        continue;
      }
      if (fps != null && fps.length > 0) {
        if (s.conflicts() < CONFLICTS_LOGGED_PER_BATCH) {
          log.warn("{}: tenant {} event id {} arrived again with other content (entity {}, version {}, op {}): "
              + "stored as a conflict", table, tenant, e.event().getEventId(), e.event().getEntityId(),
              e.event().getVersion(), e.event().getOp());
        }
        s.conflict();
      }
      long[] next = append(fps, fp);
      known.put(key, next);
      s.keep(e, key, hashes[i], next);
    }
    if (s.conflicts() > CONFLICTS_LOGGED_PER_BATCH) {
      log.warn("{}: {} conflicting event ids in one batch ({} logged)", table, s.conflicts(), CONFLICTS_LOGGED_PER_BATCH);
    }
    return s;
  }

  /** The screened events are in the table as {@code version}, in {@code added} files. */
  public void committed(DeltaTable table, Screening s, long version, List<DataFile> added) {
    if (!settings.enabled()) return;
    TenantFiles tf = files.get(table.name());
    if (tf != null) tf.committed(version, added);
    long firstDay = clock.instant().atZone(ZoneOffset.UTC).toLocalDate().toEpochDay() - settings.windowDays() + 1;
    Map<TenantIdFilter, Long> before = new HashMap<>();
    s.touched().values().forEach(f -> before.put(f, f.bytes()));
    for (Screening.Kept k : s.kept()) {
      // Without a filter here the tenant was decided from the recent ids alone: each kept id is then
      // already in its filter (from an earlier commit), or will be when one is built from raw.
      TenantIdFilter f = s.touched().get(k.event().event().getTenantId());
      if (f != null) f.add(k.hash(), Math.floorDiv(k.event().ingestedAt().getEpochSecond(), 86_400L));
      recent.put(k.key(), k.fingerprints());
    }
    s.touched().forEach((tenant, f) -> {
      f.expireBefore(firstDay);
      filters.resized(table.name(), tenant, f, f.bytes() - before.get(f));
    });
  }

  /** The table's commit went wrong in a way that leaves its content unknown: rebuild from raw. */
  public void invalidate(String table) {
    TenantFiles tf = files.get(table);
    if (tf != null) tf.invalidate();
    filters.forgetTable(table);
    recent.forgetTable(table);
  }

  /** The filters' memory now, over every table and tenant. */
  public long filterBytes() {
    return filters.bytes();
  }

  public long filterIds() {
    return filters.ids();
  }

  private static boolean contains(long[] fps, long fp) {
    if (fps == null) return false;
    for (long f : fps) if (f == fp) return true;
    return false;
  }

  private static long[] append(long[] fps, long fp) {
    if (fps == null || fps.length == 0) return new long[] {fp};
    long[] out = java.util.Arrays.copyOf(fps, fps.length + 1);
    out[fps.length] = fp;
    return out;
  }
}
