package io.tenantlake.engine.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tenantlake.engine.delta.DeltaStorage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenants' data sources, durable beside the tables: one JSON object per tenant at
 * {@code _query/datasources/<tenant>.json} (a local file renamed into place, one PUT on S3). A
 * node keeps what it read for {@link #TTL_NANOS}: a change made on another node shows here within
 * it, on this node at once. Two nodes changing one tenant's sources at the same instant: the last
 * write wins (data sources are an administrative, low-rate thing).
 */
public final class DataSourceStore {
  static final long TTL_NANOS = 2_000_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DeltaStorage storage;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(long readAtNanos, List<DataSource> sources) {}

  public DataSourceStore(DeltaStorage storage) {
    this.storage = storage;
  }

  private static String file(String tenant) {
    return "_query/datasources/" + tenant + ".json";
  }

  public List<DataSource> list(String tenant) {
    Cached c = cache.get(tenant);
    if (c != null && System.nanoTime() - c.readAtNanos() < TTL_NANOS) return c.sources();
    List<DataSource> sources = read(tenant);
    cache.put(tenant, new Cached(System.nanoTime(), sources));
    return sources;
  }

  public Optional<DataSource> get(String tenant, String name) {
    return list(tenant).stream().filter(d -> d.name().equals(name)).findFirst();
  }

  /** Adds a data source; false when the tenant has one of that name already. */
  public synchronized boolean create(String tenant, DataSource source) {
    List<DataSource> sources = new ArrayList<>(read(tenant));
    if (sources.stream().anyMatch(d -> d.name().equals(source.name()))) return false;
    sources.add(source);
    write(tenant, sources);
    return true;
  }

  /** Removes a data source; false when there was none of that name. */
  public synchronized boolean delete(String tenant, String name) {
    List<DataSource> sources = new ArrayList<>(read(tenant));
    if (!sources.removeIf(d -> d.name().equals(name))) return false;
    write(tenant, sources);
    return true;
  }

  private List<DataSource> read(String tenant) {
    byte[] bytes;
    try {
      bytes = storage.readStateFile(file(tenant));
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof FileNotFoundException) return List.of();
      throw e;
    }
    try {
      List<DataSource> out = new ArrayList<>();
      for (JsonNode n : JSON.readTree(bytes).path("datasources")) {
        out.add(new DataSource(n.path("name").asText(), n.path("model").asText(), n.path("filter").asText(),
            n.path("created_at").asLong()));
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException("data sources of tenant " + tenant + " at " + file(tenant) + " are not readable JSON", e);
    }
  }

  private void write(String tenant, List<DataSource> sources) {
    var root = JSON.createObjectNode();
    root.put("tenant_id", tenant);
    ArrayNode arr = root.putArray("datasources");
    for (DataSource d : sources) {
      arr.addObject().put("name", d.name()).put("model", d.model()).put("filter", d.filter()).put("created_at", d.createdAt());
    }
    try {
      storage.writeStateFile(file(tenant), JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cache.put(tenant, new Cached(System.nanoTime(), List.copyOf(sources)));
  }
}
