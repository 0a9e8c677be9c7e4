package io.tenantlake.api.maintenance;

import io.tenantlake.api.BearerTokens;
import io.tenantlake.api.JsonResponses;
import io.tenantlake.engine.maintenance.MaintenanceService;
import io.tenantlake.engine.maintenance.MaintenanceSettings;
import io.tenantlake.engine.maintenance.RunReport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Table care on demand, admin token:
 * <ul>
 *   <li>{@code POST /v1/admin/maintenance/{task}} (compact, vacuum, checkpoint, purge-tombstones;
 *       {@code ?dry_run=true} for vacuum): queues a run on this node, 202 with the queued run;
 *   <li>{@code GET /v1/admin/maintenance}: the run in progress (tables done of total), the queued
 *       runs, the last run of each task and the recent runs, with their per-table counts.
 * </ul>
 * The tasks run where the tables' writer runs: on another node the answer is 409 naming it.
 * Errors are {@code {"error", "reason"}} like the rest of the admin API.
 */
public final class AdminMaintenanceRoutes extends AllDirectives {
  private final BearerTokens admins;
  private final Supplier<Optional<MaintenanceService>> local;
  private final Supplier<String> elsewhere;

  /**
   * @param local the service when this node is the writer
   * @param elsewhere why not, when it is not (which node is)
   */
  public AdminMaintenanceRoutes(BearerTokens admins, Supplier<Optional<MaintenanceService>> local, Supplier<String> elsewhere) {
    this.admins = admins;
    this.local = local;
    this.elsewhere = elsewhere;
  }

  public Route route() {
    return pathPrefix(PathMatchers.segment("v1").slash("admin").slash("maintenance"), () -> extractRequest(request -> {
      var problem = admins.check(request.getHeader("Authorization").map(HttpHeader::value));
      if (problem.isPresent()) return complete(JsonResponses.unauthorized(problem.get()));
      return concat(
          pathEnd(() -> get(() -> complete(status()))),
          path(PathMatchers.segment(), task -> post(() -> parameterOptional("dry_run", dry -> complete(submit(task, dry))))));
    }));
  }

  private HttpResponse status() {
    Optional<MaintenanceService> service = local.get();
    if (service.isEmpty()) return notHere();
    MaintenanceService.Status s = service.get().status();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schedules_enabled", service.get().settings().enabled());
    body.put("running", s.running().map(AdminMaintenanceRoutes::run).orElse(null));
    body.put("queued", s.queued().stream().map(AdminMaintenanceRoutes::run).toList());
    Map<String, Object> last = new LinkedHashMap<>();
    for (MaintenanceSettings.Task t : MaintenanceSettings.Task.values()) last.put(t.label(), Optional.ofNullable(s.last().get(t)).map(AdminMaintenanceRoutes::run).orElse(null));
    body.put("last", last);
    body.put("recent", s.recent().stream().map(AdminMaintenanceRoutes::run).toList());
    return JsonResponses.json(StatusCodes.OK, body);
  }

  private HttpResponse submit(String taskName, Optional<String> dryRun) {
    Optional<MaintenanceSettings.Task> task = MaintenanceSettings.Task.ofLabel(taskName);
    if (task.isEmpty()) {
      return JsonResponses.error(StatusCodes.NOT_FOUND, "unknown_task", "no maintenance task \"" + clip(taskName)
          + "\"; tasks: compact, vacuum, checkpoint, purge-tombstones");
    }
    if (dryRun.isPresent() && !dryRun.get().equals("true") && !dryRun.get().equals("false")) {
      return JsonResponses.error(StatusCodes.BAD_REQUEST, "bad_parameter", "dry_run must be true or false");
    }
    boolean dry = dryRun.map("true"::equals).orElse(false);
    if (dry && task.get() != MaintenanceSettings.Task.VACUUM) {
      return JsonResponses.error(StatusCodes.BAD_REQUEST, "bad_parameter", "dry_run is only for vacuum");
    }
    Optional<MaintenanceService> service = local.get();
    if (service.isEmpty()) return notHere();
    try {
      return JsonResponses.json(StatusCodes.ACCEPTED, run(service.get().submit(task.get(), dry)));
    } catch (IllegalStateException e) {
      return JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, "stopping", e.getMessage());
    }
  }

  private HttpResponse notHere() {
    return JsonResponses.error(StatusCodes.CONFLICT, "not_the_writer", elsewhere.get());
  }

  private static String clip(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }

  /** A run as JSON: its fields, totals, and per table its counts (and the files of a dry run). */
  static Map<String, Object> run(RunReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("task", r.task());
    m.put("trigger", r.trigger());
    m.put("dry_run", r.dryRun());
    m.put("state", r.state());
    m.put("queued_at", r.queuedAt().toString());
    m.put("started_at", r.startedAt() == null ? null : r.startedAt().toString());
    m.put("millis", r.millis());
    m.put("tables_total", r.tablesTotal());
    m.put("tables_done", r.tablesDone());
    m.put("totals", r.totals());
    m.put("tables", r.tables().stream().map(t -> {
      Map<String, Object> tm = new LinkedHashMap<>();
      tm.put("table", t.table());
      tm.put("counts", t.counts());
      if (!t.details().isEmpty()) tm.put(r.dryRun() ? "would_delete" : "details", t.details());
      return tm;
    }).toList());
    m.put("errors", r.errors());
    return m;
  }
}
