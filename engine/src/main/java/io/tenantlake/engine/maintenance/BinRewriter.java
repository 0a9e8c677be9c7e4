package io.tenantlake.engine.maintenance;

import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.delta.DeltaTable;
import io.tenantlake.engine.delta.Row;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rewrites the bins of a group of partitions, several at a time ({@link CompactionWork}): each bin
 * is read file by file and written as one file of the same rows, checked against the files'
 * statistics. A partition whose bin fails (a file unreadable, rows not what its statistics say)
 * is reported failed with the file named, with the files its other bins wrote (never committed);
 * the other partitions go on.
 */
final class BinRewriter implements AutoCloseable {
  private static final AtomicInteger POOLS = new AtomicInteger();

  /** A partition's bins, each a list of files to rewrite into one. */
  record Plan(Map<String, String> partition, List<List<DataFile>> bins) {}

  sealed interface Outcome permits Rewrite, Failed {}

  /** A partition rewritten: the files to swap out and in, rows and bytes read. */
  record Rewrite(Map<String, String> partition, List<DataFile> removes, List<DataFile> adds, long rows, long bytesRead)
      implements Outcome {}

  /** A partition left as it was, and why; {@code written}: files its other bins wrote, to delete. */
  record Failed(Map<String, String> partition, String reason, List<DataFile> written) implements Outcome {}

  private final DeltaTable table;
  private final CompactionWork work;
  private final long targetFileBytes;
  private final boolean sortByEntity;
  private final ExecutorService pool;
  private final Semaphore inFlight;

  BinRewriter(DeltaTable table, CompactionWork work, long targetFileBytes, boolean sortByEntity) {
    this.table = table;
    this.work = work;
    this.targetFileBytes = targetFileBytes;
    this.sortByEntity = sortByEntity;
    int pool = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(work.parallelism(), r -> {
      Thread t = new Thread(r, "compaction-" + pool + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.inFlight = new Semaphore(work.totalPermits());
  }

  /** The group's partitions rewritten, in the plans' order. */
  List<Outcome> rewrite(List<Plan> plans) {
    List<List<CompletableFuture<Bin>>> started = new ArrayList<>();
    for (Plan p : plans) {
      List<CompletableFuture<Bin>> bins = new ArrayList<>();
      for (List<DataFile> bin : p.bins()) bins.add(CompletableFuture.supplyAsync(() -> bounded(bin), pool));
      started.add(bins);
    }
    List<Outcome> out = new ArrayList<>();
    for (int i = 0; i < plans.size(); i++) {
      Plan p = plans.get(i);
      List<DataFile> removes = new ArrayList<>();
      List<DataFile> adds = new ArrayList<>();
      long rows = 0;
      long bytes = 0;
      String failure = null;
      for (CompletableFuture<Bin> f : started.get(i)) {
        try {
          Bin b = f.join();
          removes.addAll(b.removes());
          adds.addAll(b.adds());
          rows += b.rows();
          bytes += b.bytesRead();
        } catch (CompletionException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          if (failure == null) failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
      }
      out.add(failure == null ? new Rewrite(p.partition(), removes, adds, rows, bytes) : new Failed(p.partition(), failure, adds));
    }
    return out;
  }

  private record Bin(List<DataFile> removes, List<DataFile> adds, long rows, long bytesRead) {}

  private Bin bounded(List<DataFile> bin) {
    long bytes = bin.stream().mapToLong(DataFile::sizeBytes).sum();
    int permits = work.permits(bytes);
    inFlight.acquireUninterruptibly(permits);
    try {
      return rewriteBin(bin, bytes);
    } finally {
      inFlight.release(permits);
    }
  }

  private Bin rewriteBin(List<DataFile> bin, long bytes) {
    List<Row> out = new ArrayList<>();
    for (DataFile f : bin) {
      List<Row> r = table.read(f);
      if (f.numRecords() >= 0 && f.numRecords() != r.size()) {
        throw new IllegalStateException("table " + table.name() + ": file " + f.path() + " holds " + r.size()
            + " rows, its statistics say " + f.numRecords());
      }
      out.addAll(r);
    }
    if (sortByEntity) {
      int idx = table.schema().indexOf(Compactor.ENTITY_ID);
      out.sort(Comparator.comparing(r -> (String) r.get(idx)));
    }
    List<DataFile> written = table.write(out, targetFileBytes);
    long writtenRows = written.stream().mapToLong(DataFile::numRecords).sum();
    if (writtenRows != out.size()) {
      throw new IllegalStateException("table " + table.name() + ": wrote " + writtenRows + " rows for " + out.size() + " read");
    }
    return new Bin(bin, written, out.size(), bytes);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
