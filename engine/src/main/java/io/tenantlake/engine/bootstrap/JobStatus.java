package io.tenantlake.engine.bootstrap;

/**
 * What {@code GET /v1/admin/jobs/{id}} shows: the job, and its progress as committed to raw (exact
 * across crashes: the totals come from the checkpoint table), plus this run's rate and an ETA
 * from the bytes read so far.
 *
 * @param recordsDone records of the job committed to raw (events and dead letters)
 * @param deadLetters malformed records filed in {@code deadletter} with their object and offset
 * @param skippedOtherTenants records left out by the job's tenant filter, in this run
 * @param recordsPerSecond committed records per second over the last seconds
 * @param etaSeconds estimated seconds to the end, or -1 when unknown
 */
public record JobStatus(BootstrapJob job, int objectsDone, int objectsTotal, long recordsDone, long deadLetters,
    long skippedOtherTenants, long bytesRead, long bytesTotal, double recordsPerSecond, long etaSeconds) {}
