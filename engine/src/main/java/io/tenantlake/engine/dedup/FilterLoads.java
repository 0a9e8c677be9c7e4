package io.tenantlake.engine.dedup;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaTable;
import java.io.FileNotFoundException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The reads of one screening: a tenant's filter rebuilt from its raw files of the window (ids and
 * ingestion times only), and the exact check of "maybe" ids (their contents, from the files that
 * hold them). Files are read in parallel; a file gone since the listing (vacuumed after a rewrite)
 * makes the listing be read again, once.
 */
final class FilterLoads {
  private static final List<String> CONTENT_COLUMNS =
      List.of("event_id", "entity_id", "op", "version", "payload_type", "payload", "payload_ref");
  private final DeltaTable table;
  private final TenantFiles files;
  private final long firstDay;
  private final double fpp;
  private final Executor io;
  private int tenantsLoaded;
  private int filesRead;
  private long idsLoaded;
  private int lastFilesRead;

  FilterLoads(DeltaTable table, TenantFiles files, long firstDay, double fpp, Executor io) {
    this.table = table;
    this.files = files;
    this.firstDay = firstDay;
    this.fpp = fpp;
    this.io = io;
  }

  TenantIdFilter load(String tenant) {
    TenantIdFilter filter = new TenantIdFilter(fpp);
    List<List<Object[]>> read = readAll(tenant, f -> table.readColumns(f, List.of("event_id", "ingested_at")));
    for (List<Object[]> rows : read) {
      for (Object[] r : rows) {
        long day = ((Instant) r[1]).atZone(ZoneOffset.UTC).toLocalDate().toEpochDay();
        if (day >= firstDay) filter.add((String) r[0], day);
      }
      idsLoaded += rows.size();
    }
    filesRead += read.size();
    tenantsLoaded++;
    return filter;
  }

  /** For each id the tenant's files of the window hold, the fingerprints of its copies there. */
  Map<String, long[]> fingerprints(String tenant, List<String> ids) {
    try {
      return fingerprintsOnce(tenant, ids);
    } catch (FileGone e) {
      files.invalidate();
      return fingerprintsOnce(tenant, ids);
    }
  }

  private Map<String, long[]> fingerprintsOnce(String tenant, List<String> ids) {
    Set<String> wanted = new HashSet<>(ids);
    // Ids first (small columns), whole contents only of the files that hold a wanted id.
    List<DataFile> candidates = files.of(tenant, firstDay);
    List<List<Object[]>> idsPerFile = readAll(candidates, f -> table.readColumns(f, List.of("event_id")));
    List<DataFile> holding = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      for (Object[] r : idsPerFile.get(i)) {
        if (wanted.contains((String) r[0])) {
          holding.add(candidates.get(i));
          break;
        }
      }
    }
    Map<String, long[]> out = new HashMap<>();
    for (List<Object[]> rows : readAll(holding, f -> table.readColumns(f, CONTENT_COLUMNS))) {
      for (Object[] r : rows) {
        String id = (String) r[0];
        if (!wanted.contains(id)) continue;
        long fp = EventFingerprint.of((String) r[1], (String) r[2], (Long) r[3], (String) r[4], (byte[]) r[5], (String) r[6]);
        out.merge(id, new long[] {fp}, FilterLoads::union);
      }
    }
    lastFilesRead = candidates.size() + holding.size();
    return out;
  }

  private List<List<Object[]>> readAll(String tenant, Function<DataFile, List<Object[]>> read) {
    try {
      return readAll(files.of(tenant, firstDay), read);
    } catch (FileGone e) {
      files.invalidate();
      return readAll(files.of(tenant, firstDay), read);
    }
  }

  private List<List<Object[]>> readAll(List<DataFile> list, Function<DataFile, List<Object[]>> read) {
    List<CompletableFuture<List<Object[]>>> reads = new ArrayList<>();
    for (DataFile f : list) reads.add(CompletableFuture.supplyAsync(() -> read.apply(f), io));
    List<List<Object[]>> out = new ArrayList<>();
    for (int i = 0; i < reads.size(); i++) {
      try {
        out.add(reads.get(i).join());
      } catch (CompletionException e) {
        Throwable cause = e.getCause();
        if (cause != null && cause.getCause() instanceof FileNotFoundException) {
          throw new FileGone(table.name() + "/" + list.get(i).path());
        }
        throw new IllegalStateException("dedup " + table.name() + ": reading " + list.get(i).path() + ": " + cause, cause);
      }
    }
    return out;
  }

  private static long[] union(long[] a, long[] b) {
    for (long x : a) if (x == b[0]) return a;
    long[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = b[0];
    return out;
  }

  int tenantsLoaded() {
    return tenantsLoaded;
  }

  int filesRead() {
    return filesRead;
  }

  long idsLoaded() {
    return idsLoaded;
  }

  int lastFilesRead() {
    return lastFilesRead;
  }

  private static final class FileGone extends RuntimeException {
    FileGone(String path) {
      super(path);
    }
  }
}
