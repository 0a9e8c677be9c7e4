package io.tenantlake.api.metrics;

import io.tenantlake.engine.bootstrap.JobStatus;
import io.tenantlake.engine.lanes.BackfillLanes;
import java.util.List;

/**
 * The throttled lanes' rates (configured: what the cluster set, replicated to this node; measured:
 * what passed lately) and the bootstrap jobs running on this node with their progress. Jobs are
 * read from memory; a job's series disappear when it ends.
 */
final class LaneCollector extends SourcesCollector {
  private static final List<String> LANES = List.of("bootstrap", "import");

  LaneCollector(MetricSources sources) {
    super(sources);
  }

  @Override
  void collect(Families f) {
    sources.backfill().ifPresent(b -> collect(b, f));
  }

  private static void collect(BackfillLanes backfill, Families f) {
    var configured = f.gauge("tenantlake_lane_rate_configured_records_per_second",
        "the lane's throttle rate on this node (0 pauses it)");
    var measured = f.gauge("tenantlake_lane_rate_measured_records_per_second", "records/s that passed the throttle lately");
    var passed = f.counter("tenantlake_lane_records_passed", "records that passed the lane's throttle");
    for (String name : LANES) {
      backfill.lane(name).ifPresent(lane -> {
        configured.point(lane.rate(), "lane", name);
        measured.point(lane.measuredRate(), "lane", name);
        passed.point(lane.passed(), "lane", name);
      });
    }
    configured.add();
    measured.add();
    passed.add();
    List<JobStatus> jobs = backfill.jobs().running();
    var records = f.gauge("tenantlake_bootstrap_job_records_done", "records of the job committed to raw (events and dead letters)");
    var dead = f.gauge("tenantlake_bootstrap_job_dead_letters", "malformed records of the job filed as dead letters");
    var objects = f.gauge("tenantlake_bootstrap_job_objects_done", "snapshot objects finished");
    var objectsTotal = f.gauge("tenantlake_bootstrap_job_objects", "snapshot objects of the job");
    var bytes = f.gauge("tenantlake_bootstrap_job_bytes_read", "snapshot bytes read");
    var bytesTotal = f.gauge("tenantlake_bootstrap_job_bytes", "snapshot bytes of the job");
    var rate = f.gauge("tenantlake_bootstrap_job_records_per_second", "committed records per second lately");
    var eta = f.gauge("tenantlake_bootstrap_job_eta_seconds", "estimated seconds to the end (-1 when unknown)");
    for (JobStatus s : jobs) {
      String[] labels = {"job", s.job().id(), "entity_type", s.job().entityType()};
      records.point(s.recordsDone(), labels);
      dead.point(s.deadLetters(), labels);
      objects.point(s.objectsDone(), labels);
      objectsTotal.point(s.objectsTotal(), labels);
      bytes.point(s.bytesRead(), labels);
      bytesTotal.point(s.bytesTotal(), labels);
      rate.point(s.recordsPerSecond(), labels);
      eta.point(s.etaSeconds(), labels);
    }
    for (var g : List.of(records, dead, objects, objectsTotal, bytes, bytesTotal, rate, eta)) g.add();
  }
}
