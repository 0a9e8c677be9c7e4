package io.tenantlake.engine.bootstrap;

import io.tenantlake.engine.event.EventValidator;
import io.tenantlake.engine.event.SourceRecord;
import io.tenantlake.engine.raw.Positions;
import io.tenantlake.engine.raw.RawTableWriter.CycleResult;
import io.tenantlake.proto.EntityTypeRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bootstrap jobs of this ingest node: submits, runs, resumes, cancels and reports them. A job
 * streams its snapshot into the bootstrap lane's hub; its records are committed to raw with the
 * job as their source partition ({@code bootstrap/<id>}, sequence = object index and offset), so
 * the checkpoint table says exactly how far it got, and after any failure of the pipeline (or of
 * the node) the job resumes after its last committed record: nothing is written to raw twice.
 * A job is done when the snapshot is read to its end and its last record is committed.
 */
public final class BootstrapJobs {
  private static final Logger log = LoggerFactory.getLogger(BootstrapJobs.class);

  private final BootstrapJobStore store;
  private final SnapshotReads snapshots;
  private final EntityTypeRegistry registry;
  private final Materializer materializer;
  private final Executor blockingIo;
  private final Map<String, JobRun> running = new LinkedHashMap<>();
  /** The ids of running jobs, read on every record at the lane (no lock). */
  private final java.util.Set<String> runningIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile Map<String, Positions.Position> checkpoint = Map.of();
  private Sink<SourceRecord, NotUsed> hub;

  public BootstrapJobs(BootstrapJobStore store, SnapshotReads snapshots, EntityTypeRegistry registry,
      Materializer materializer, Executor blockingIo) {
    this.store = store;
    this.snapshots = snapshots;
    this.registry = registry;
    this.materializer = materializer;
    this.blockingIo = blockingIo;
    for (BootstrapJob job : store.all()) {
      if (!job.state().finished()) {
        running.put(job.id(), new JobRun(job));
        runningIds.add(job.id());
      }
    }
    if (!running.isEmpty()) log.info("bootstrap: {} unfinished job(s) to resume: {}", running.size(), running.keySet());
  }

  /**
   * Checks and lists a snapshot, stores the job and starts it. Blocking (lists the bucket).
   *
   * @throws IllegalArgumentException with the reason, for an unknown type, a bad tenant or URI,
   *     or a prefix without snapshot objects
   */
  public JobStatus submit(String entityType, String uri, String tenant) {
    if (entityType == null || registry.find(entityType).isEmpty()) {
      throw new IllegalArgumentException("unknown entity_type \"" + entityType + "\" (known: " + registry.names() + ")");
    }
    if (tenant != null && !EventValidator.TENANT_ID.matcher(tenant).matches()) {
      throw new IllegalArgumentException("tenant must match " + EventValidator.TENANT_ID.pattern());
    }
    List<BootstrapJob.SnapshotEntry> objects = snapshots.list(uri);
    if (objects.isEmpty()) throw new IllegalArgumentException("no snapshot objects (.pb, .pb.gz, .ndjson, .ndjson.gz) under " + uri);
    String id = "bs-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(0, 12);
    BootstrapJob job = new BootstrapJob(id, entityType, uri, tenant, BootstrapJob.State.RUNNING, Instant.now(), null,
        null, objects);
    store.save(job);
    JobRun run = new JobRun(job);
    synchronized (this) {
      running.put(id, run);
      runningIds.add(id);
      if (hub != null) start(run);
    }
    log.info("bootstrap job {}: {} from {} ({} objects, {} bytes{})", id, entityType, uri, objects.size(),
        job.totalBytes(), tenant == null ? "" : ", tenant " + tenant);
    return statusOf(run.job, run);
  }

  /** Called when the pipeline (re)starts: the committed points, then the new hub to send to. */
  public void resumeFrom(Map<String, Positions.Position> committed) {
    checkpoint = Map.copyOf(committed);
    // Another node may have been the writer since this one read the store: pick up the jobs it
    // left unfinished, and forget those it finished.
    List<BootstrapJob> stored = store.all();
    synchronized (this) {
      for (BootstrapJob job : stored) {
        if (!job.state().finished() && !running.containsKey(job.id())) {
          running.put(job.id(), new JobRun(job));
          runningIds.add(job.id());
          log.info("bootstrap job {}: unfinished, resuming it", job.id());
        } else if (job.state().finished() && running.containsKey(job.id())) {
          forget(job.id());
        }
      }
    }
  }

  public synchronized void attach(Sink<SourceRecord, NotUsed> newHub) {
    hub = newHub;
    for (JobRun run : running.values()) start(run);
  }

  /** After each raw commit: progress, and jobs whose last record is now committed are done. */
  public void committed(CycleResult cycle) {
    checkpoint = cycle.checkpoint();
    List<JobRun> done = new ArrayList<>();
    synchronized (this) {
      for (JobRun run : running.values()) {
        run.sample(position(run.job));
        if (run.isComplete(checkpoint)) done.add(run);
      }
      done.forEach(run -> forget(run.job.id()));
    }
    for (JobRun run : done) finish(run, BootstrapJob.State.DONE, null);
    synchronized (this) {
      running.values().forEach(run -> run.logProgress(statusOf(run.job, run)));
    }
  }

  public Optional<JobStatus> status(String id) {
    JobRun run;
    synchronized (this) {
      run = running.get(id);
    }
    if (run != null) return Optional.of(statusOf(run.job, run));
    return store.load(id).map(job -> statusOf(job, null));
  }

  /** The jobs running on this node, from memory only (the metrics endpoint asks at every scrape). */
  public synchronized List<JobStatus> running() {
    return running.values().stream().map(run -> statusOf(run.job, run)).toList();
  }

  public List<JobStatus> all() {
    return store.all().stream().map(job -> {
      JobRun run;
      synchronized (this) {
        run = running.get(job.id());
      }
      return statusOf(run != null ? run.job : job, run);
    }).toList();
  }

  /** Cancels a running job (records already committed stay); empty when there is no such job. */
  public Optional<JobStatus> cancel(String id) {
    JobRun run;
    synchronized (this) {
      run = forget(id);
    }
    if (run == null) return status(id);
    run.stop();
    return Optional.of(finish(run, BootstrapJob.State.CANCELLED, "cancelled by an operator"));
  }

  private void start(JobRun run) {
    Positions.Position p = checkpoint.get(run.job.partitionKey());
    run.start(snapshots, p, hub, materializer, (r, error) -> {
      // The run's stream ended: by itself (read to the end, or failed), not by a pipeline restart.
      if (error != null) {
        synchronized (this) {
          if (forget(r.job.id()) == null) return;
        }
        finish(r, BootstrapJob.State.FAILED, error.toString());
        return;
      }
      boolean complete;
      synchronized (this) {
        complete = r.isComplete(checkpoint) && forget(r.job.id()) != null;
      }
      if (complete) finish(r, BootstrapJob.State.DONE, null);
    });
  }

  /** Whether a record may still enter the pipeline: its job runs (a bootstrap record names its job). */
  public boolean admits(SourceRecord record) {
    return !BootstrapJob.STREAM.equals(record.origin().stream()) || runningIds.contains(record.origin().shardId());
  }

  private JobRun forget(String id) {
    runningIds.remove(id);
    return running.remove(id);
  }

  private JobStatus finish(JobRun run, BootstrapJob.State state, String why) {
    BootstrapJob finished = run.job.finish(state, why);
    run.job = finished;
    JobStatus status = statusOf(finished, run);
    blockingIo.execute(() -> {
      try {
        store.save(finished);
      } catch (RuntimeException e) {
        log.error("bootstrap job {}: cannot record its end ({}): {}", finished.id(), state, e.getMessage());
      }
    });
    if (state == BootstrapJob.State.FAILED) {
      log.error("bootstrap job {} failed after {} records: {}", finished.id(), status.recordsDone(), why);
    } else {
      log.info("bootstrap job {} {}: {} records, {} dead letters, {} of {} objects", finished.id(),
          state.name().toLowerCase(java.util.Locale.ROOT), status.recordsDone(), status.deadLetters(),
          status.objectsDone(), status.objectsTotal());
    }
    return status;
  }

  private Positions.Position position(BootstrapJob job) {
    return checkpoint.get(job.partitionKey());
  }

  private JobStatus statusOf(BootstrapJob job, JobRun run) {
    return JobProgress.of(job, position(job), run);
  }
}
