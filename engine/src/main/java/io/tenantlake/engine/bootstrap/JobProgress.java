package io.tenantlake.engine.bootstrap;

import io.tenantlake.engine.raw.Positions;

/** Turns a job, its committed point and its current run into the status an operator sees. */
final class JobProgress {
  private JobProgress() {}

  static JobStatus of(BootstrapJob job, Positions.Position committed, JobRun run) {
    int total = job.objects().size();
    long bytesTotal = job.totalBytes();
    boolean done = job.state() == BootstrapJob.State.DONE;
    String seq = committed == null ? "" : committed.sequenceNumber();
    int objectsDone = done ? total : seq.isEmpty() ? 0 : BootstrapJob.objectIndex(seq);
    long records = committed == null ? 0 : committed.records() + committed.deadLetters();
    long dead = committed == null ? 0 : committed.deadLetters();
    long bytesRead = done ? bytesTotal : run == null ? 0 : Math.min(bytesTotal, run.bytesBefore + run.bytesReadThisRun());
    double rate = run == null || job.state().finished() ? 0 : run.recordsPerSecond();
    long eta;
    if (job.state().finished()) {
      eta = 0;
    } else {
      long estimated = run == null ? -1 : run.estimatedTotalRecords(bytesTotal);
      eta = estimated < 0 || rate <= 0 ? -1 : Math.round(Math.max(0, estimated - records) / rate);
    }
    long skipped = run == null ? 0 : run.skipped.sum();
    return new JobStatus(job, objectsDone, total, records, dead, skipped, bytesRead, bytesTotal, rate, eta);
  }
}
