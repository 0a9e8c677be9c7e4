package io.tenantlake.engine.bootstrap;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tenantlake.engine.event.Lane;
import io.tenantlake.engine.event.Origin;
import io.tenantlake.engine.event.SourceRecord;
import io.tenantlake.engine.raw.Positions;
import io.tenantlake.proto.v1.BootstrapRecord;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job's current run: the stream from its snapshot into the lane's hub, and what the job needs
 * to know when it is done (the last record it handed over, whether the snapshot was read to its
 * end). A pipeline restart starts a new run from the committed point; callbacks of an old run are
 * ignored by generation.
 */
final class JobRun {
  private static final Logger log = LoggerFactory.getLogger(JobRun.class);
  private static final long RATE_WINDOW_NANOS = 10_000_000_000L;
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;

  volatile BootstrapJob job;
  final LongAdder skipped = new LongAdder();
  private volatile SnapshotProgress progress = new SnapshotProgress();
  volatile long bytesBefore;
  /** Records of the job committed when this run started (all runs count in the checkpoint). */
  volatile long recordsBefore;
  private volatile String lastEmitted;
  private volatile boolean readAll;
  private int generation;
  private UniqueKillSwitch killSwitch;
  private final ArrayDeque<long[]> samples = new ArrayDeque<>();
  private long lastLogNanos = System.nanoTime();

  private final String bucket;

  JobRun(BootstrapJob job) {
    this.job = job;
    this.bucket = SnapshotUri.parse(job.uri()).bucket();
  }

  long bytesReadThisRun() {
    return progress.bytesRead();
  }

  synchronized void start(SnapshotReads reads, Positions.Position committed, Sink<SourceRecord, NotUsed> hub,
      Materializer materializer, BiConsumer<JobRun, Throwable> ended) {
    stop();
    int gen = ++generation;
    String committedSeq = committed == null || committed.sequenceNumber().isEmpty() ? null : committed.sequenceNumber();
    recordsBefore = committed == null ? 0 : committed.records() + committed.deadLetters();
    int fromObject = committedSeq == null ? 0 : BootstrapJob.objectIndex(committedSeq);
    long fromOffset = committedSeq == null ? 0 : BootstrapJob.offset(committedSeq) + 1;
    lastEmitted = null;
    readAll = false;
    progress = new SnapshotProgress();
    bytesBefore = job.objects().subList(0, fromObject).stream().mapToLong(BootstrapJob.SnapshotEntry::size).sum();
    if (committedSeq != null) {
      log.info("bootstrap job {}: resuming at object {} of {}, record {}", job.id(), fromObject, job.objects().size(),
          fromOffset);
    }
    // The end of the snapshot travels as an empty marker behind the last record: it arrives only
    // when the read completes by itself (never when the run is cancelled), and only after every
    // record of the run has been handed over.
    Source<SourceRecord, NotUsed> records = reads.read(job.uri(), job.objects(), fromObject, fromOffset, progress)
        .map(java.util.Optional::of)
        .concat(Source.single(java.util.Optional.<SnapshotRecord>empty()))
        .mapConcat(r -> {
          if (r.isEmpty()) {
            readAll = true;
            return java.util.List.<SourceRecord>of();
          }
          SourceRecord s = toSourceRecord(r.get());
          if (s == null) return java.util.List.<SourceRecord>of();
          lastEmitted = s.origin().sequenceNumber();
          return java.util.List.of(s);
        });
    Pair<UniqueKillSwitch, java.util.concurrent.CompletionStage<Done>> run = records
        .viaMat(KillSwitches.single(), Keep.right())
        .watchTermination(Keep.both())
        .to(hub)
        .run(materializer);
    killSwitch = run.first();
    run.second().whenComplete((d, error) -> {
      synchronized (this) {
        if (gen != generation) return;
      }
      if (error != null || readAll) ended.accept(this, error);
    });
  }

  synchronized void stop() {
    generation++;
    if (killSwitch != null) killSwitch.shutdown();
    killSwitch = null;
  }

  /** Read to the end, and the last record handed over is committed. */
  boolean isComplete(Map<String, Positions.Position> checkpoint) {
    if (!readAll) return false;
    String last = lastEmitted;
    if (last == null) return true;
    Positions.Position p = checkpoint.get(job.partitionKey());
    return p != null && !p.sequenceNumber().isEmpty() && Positions.compare(p.sequenceNumber(), last) >= 0;
  }

  private SourceRecord toSourceRecord(SnapshotRecord r) {
    BootstrapJob j = job;
    String seq = BootstrapJob.sequenceNumber(r.objectIndex(), r.offset());
    String locator = "s3://" + bucket + "/" + r.key() + " record " + r.offset();
    Origin origin = new Origin(Lane.BOOTSTRAP, BootstrapJob.STREAM, j.id(), seq, locator);
    if (r.problem() != null) return SourceRecord.unusable(origin, r.problem().original(), r.problem().reason());
    BootstrapRecord parsed;
    try {
      parsed = BootstrapRecord.parseFrom(r.record());
    } catch (InvalidProtocolBufferException e) {
      return new SourceRecord(origin, r.record(), Instant.now()); // the decoder files it, with the parser's reason
    }
    if (!parsed.getEntityType().equals(j.entityType())) {
      return SourceRecord.unusable(origin, r.record(),
          "entity_type \"" + parsed.getEntityType() + "\" is not the job's " + j.entityType());
    }
    if (j.tenant() != null && !j.tenant().equals(parsed.getTenantId())) {
      skipped.increment();
      return null;
    }
    return new SourceRecord(origin, r.record(), Instant.now());
  }

  /** Notes the committed total, for the rate over the last seconds. */
  synchronized void sample(Positions.Position p) {
    long now = System.nanoTime();
    samples.addLast(new long[] {now, p == null ? 0 : p.records() + p.deadLetters()});
    while (samples.size() > 2 && now - samples.peekFirst()[0] > RATE_WINDOW_NANOS) samples.removeFirst();
  }

  synchronized double recordsPerSecond() {
    if (samples.size() < 2) return 0;
    long[] first = samples.peekFirst();
    long[] last = samples.peekLast();
    double seconds = (last[0] - first[0]) / 1e9;
    return seconds <= 0 ? 0 : (last[1] - first[1]) / seconds;
  }

  /**
   * The job's records in all, estimated from the bytes per record read so far in this run (the
   * reader runs ahead of the commits, so its byte position alone would promise too early an end).
   */
  long estimatedTotalRecords(long bytesTotal) {
    long read = progress.recordsEmitted() + progress.problems();
    long bytes = progress.bytesRead();
    if (read == 0 || bytes == 0) return -1;
    return recordsBefore + Math.round((bytesTotal - bytesBefore) / ((double) bytes / read));
  }

  void logProgress(JobStatus s) {
    long now = System.nanoTime();
    synchronized (this) {
      if (now - lastLogNanos < LOG_EVERY_NANOS) return;
      lastLogNanos = now;
    }
    log.info("bootstrap job {}: {} records committed ({}/s), {} dead letters, objects {}/{}, {}/{} MiB read, eta {}",
        s.job().id(), s.recordsDone(), Math.round(s.recordsPerSecond()), s.deadLetters(), s.objectsDone(),
        s.objectsTotal(), s.bytesRead() >> 20, s.bytesTotal() >> 20, s.etaSeconds() < 0 ? "unknown" : s.etaSeconds() + " s");
  }
}
