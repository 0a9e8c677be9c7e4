package io.tenantlake.engine.query;

import io.tenantlake.engine.DaemonThreads;
import io.tenantlake.engine.delta.DataFile;
import io.tenantlake.engine.query.TenantSnapshotViews.ModelSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a tenant's read-only SQL over its own partitions of the refined tables. Each query: the
 * statement is checked ({@link StatementGuard}), a permit taken ({@link QueryPermits}), each
 * model's current snapshot listed for the tenant ({@link TenantSnapshotViews}), its files linked
 * from the cache into a folder of the query's own ({@link ParquetFileCache}, {@link QueryFolder}),
 * and a fresh in-memory DuckDB opened that can read exactly those files, with one view per model
 * ({@link SandboxedDuckDb}). The query runs with its parameters bound, is cancelled at the time
 * limit, and its rows are read up to the row limit. Blocking: callers run it on a bounded pool.
 */
public final class TenantQueryEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TenantQueryEngine.class);

  private final QuerySettings settings;
  private final TenantSnapshotViews views;
  private final ParquetFileCache cache;
  private final EnhancedViews enhanced;
  private final DataSources dataSources;
  private final QueryPermits permits;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("query-timer"));

  public TenantQueryEngine(QuerySettings settings, TenantSnapshotViews views, ParquetFileCache cache) {
    this(settings, views, cache, EnhancedViews.none(), null);
  }

  /** With enhanced views and (when not null) the tenants' data sources. */
  public TenantQueryEngine(QuerySettings settings, TenantSnapshotViews views, ParquetFileCache cache,
      EnhancedViews enhanced, DataSources dataSources) {
    this.settings = settings;
    this.enhanced = enhanced;
    this.dataSources = dataSources;
    this.views = views;
    this.cache = cache;
    this.permits = new QueryPermits(settings.maxConcurrentPerTenant(), settings.maxConcurrentPerNode());
    try {
      // Folders of queries an earlier run did not finish.
      QueryFolder.deleteTree(settings.cacheDir().resolve("q"));
    } catch (IOException e) {
      log.warn("query: cannot clear old query folders under {}: {}", settings.cacheDir(), e.toString());
    }
  }

  public QuerySettings settings() {
    return settings;
  }

  /** Runs the query for the tenant; a refusal, error or limit is a {@link QueryException}. */
  public QueryResult run(String tenant, QueryRequest request) {
    long started = System.nanoTime();
    String sql = request.sql() == null ? "" : request.sql();
    long sqlBytes = sql.getBytes(StandardCharsets.UTF_8).length;
    if (sqlBytes > settings.maxSqlBytes()) {
      throw new QueryException(QueryException.Kind.TOO_LARGE, "the query text has " + sqlBytes + " bytes, the limit is "
          + settings.maxSqlBytes());
    }
    StatementGuard.check(sql).ifPresent(why -> {
      throw new QueryException(QueryException.Kind.REFUSED, why);
    });
    int limit = request.limit().orElse(settings.maxRows());
    if (limit < 0) throw new QueryException(QueryException.Kind.REFUSED, "limit must not be negative");
    limit = Math.min(limit, settings.maxRows());
    long deadline = started + settings.timeout().toNanos();
    try (AutoCloseable permit = permits.acquire(tenant); QueryFolder folder = QueryFolder.create(settings.cacheDir())) {
      java.util.Set<String> names = new java.util.HashSet<>(StatementGuard.namesUsed(sql));
      boolean scoped = request.scope().isPresent();
      List<DerivedView> derived = new java.util.ArrayList<>(scoped ? List.of() : enhanced.usedBy(names));
      for (DerivedView v : derived) names.addAll(v.models());
      List<DataSource> sources = dataSources == null ? List.of() : dataSources.usedBy(tenant, names, request.scope());
      if (scoped) names.clear();
      for (DataSource d : sources) names.add(d.model());
      List<ModelSnapshot> snapshot = views.snapshot(tenant, names);
      derived.addAll(0, DataSources.views(sources, snapshot));
      long listed = System.nanoTime();
      Map<DataFile, Path> linked = link(snapshot, folder, deadline);
      long fetched = System.nanoTime();
      Map<String, Long> versions = new LinkedHashMap<>();
      for (ModelSnapshot m : snapshot) versions.put(m.model(), m.version());
      ResultRows.Read read = execute(tenant, sql, request.parameters(), limit, folder, snapshot, linked, derived,
          !scoped, deadline);
      long now = System.nanoTime();
      long elapsed = (now - started) / 1_000_000;
      if (elapsed >= 1000 || log.isDebugEnabled()) {
        log.info("query: tenant {} answered {} rows{} from {} files of {} in {} ms (snapshots {} ms, files {} ms, "
            + "DuckDB {} ms)", tenant, read.rows().size(), read.truncated() ? " (truncated)" : "", linked.size(),
            versions.keySet(), elapsed, (listed - started) / 1_000_000, (fetched - listed) / 1_000_000,
            (now - fetched) / 1_000_000);
      }
      return new QueryResult(read.columns(), read.rows(), read.truncated(), versions, elapsed);
    } catch (QueryException e) {
      log.info("query: tenant {}: {} ({})", tenant, e.kind(), e.getMessage());
      throw e;
    } catch (TimeoutException e) {
      throw new QueryException(QueryException.Kind.TIMEOUT, "the query did not finish within " + settings.timeout()
          + " (reading the tenant's files took the time)");
    } catch (IOException e) {
      log.warn("query: tenant {}: files not readable: {}", tenant, e.toString());
      throw new QueryException(QueryException.Kind.UNAVAILABLE, "the tenant's files could not be read: retry shortly", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QueryException(QueryException.Kind.UNAVAILABLE, "the node is stopping");
    } catch (Exception e) {
      log.warn("query: tenant {} failed", tenant, e);
      throw new QueryException(QueryException.Kind.UNAVAILABLE, "the query failed: " + e.getMessage(), e);
    }
  }

  private Map<DataFile, Path> link(List<ModelSnapshot> snapshot, QueryFolder folder, long deadline)
      throws IOException, TimeoutException, InterruptedException {
    for (ModelSnapshot m : snapshot) for (DataFile f : m.files()) cache.prefetch(m.table(), f);
    Map<DataFile, Path> linked = new HashMap<>();
    for (ModelSnapshot m : snapshot) {
      for (DataFile f : m.files()) {
        Path target = folder.dir().resolve(ParquetFileCache.nameOf(m.table(), f));
        cache.linkInto(m.table(), f, target, deadline);
        linked.put(f, target);
      }
    }
    return linked;
  }

  private ResultRows.Read execute(String tenant, String sql, List<Object> params, int limit, QueryFolder folder,
      List<ModelSnapshot> snapshot, Map<DataFile, Path> linked, List<DerivedView> derived, boolean modelViews,
      long deadline) {
    AtomicBoolean timedOut = new AtomicBoolean();
    try (Connection c = SandboxedDuckDb.open(settings, folder.dir(), snapshot, linked, derived, modelViews);
        PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      long left = deadline - System.nanoTime();
      ScheduledFuture<?> cancel = timer.schedule(() -> {
        timedOut.set(true);
        try {
          ps.cancel();
        } catch (SQLException e) {
          log.warn("query: tenant {}: cancel at the time limit failed: {}", tenant, e.toString());
        }
      }, Math.max(left, 0), TimeUnit.NANOSECONDS);
      try (ResultSet rs = ps.executeQuery()) {
        return ResultRows.read(rs, limit, settings.maxResultBytes());
      } finally {
        cancel.cancel(false);
      }
    } catch (SQLException e) {
      if (timedOut.get()) {
        throw new QueryException(QueryException.Kind.TIMEOUT, "the query ran over its time limit of "
            + settings.timeout() + " and was interrupted");
      }
      throw new QueryException(QueryException.Kind.SQL_ERROR, clean(e.getMessage(), folder));
    }
  }

  private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object v = params.get(i);
      if (v == null) ps.setObject(i + 1, null);
      else if (v instanceof String s) ps.setString(i + 1, s);
      else if (v instanceof Integer n) ps.setLong(i + 1, n);
      else if (v instanceof Long n) ps.setLong(i + 1, n);
      else if (v instanceof Number n) ps.setDouble(i + 1, n.doubleValue());
      else if (v instanceof Boolean b) ps.setBoolean(i + 1, b);
      else throw new QueryException(QueryException.Kind.REFUSED, "parameter " + (i + 1) + " is not a string, number, boolean or null");
    }
  }

  /** DuckDB's message, with the query's folder (a local path of the node) replaced. */
  private String clean(String message, QueryFolder folder) {
    String m = message == null ? "query failed" : message;
    return m.replace(folder.dir().toString(), "<files>").replace(settings.cacheDir().toString(), "<cache>");
  }

  /** Queries running now. */
  public int running() {
    return permits.running();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    views.close();
  }
}
