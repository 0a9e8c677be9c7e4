package io.tenantlake.engine.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.tenantlake.proto.EntityTypeRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured SQL models, checked and immutable: which models exist and which entity types feed
 * them (fan-out: one entity type may feed several models; a model may read several entity types).
 *
 * <p>Configuration ({@code tenantlake.models}, a list, and {@code tenantlake.models-dir}):
 * <pre>
 * tenantlake.models-dir = "conf/models"          # or "classpath:some/folder"
 * tenantlake.models = [
 *   { name = jira_issues, sources = ["jira.issue"], key = ["issue_id"], sql = "jira_issues.sql" }
 * ]
 * </pre>
 * {@code sql} defaults to {@code <name>.sql} and is resolved against the models directory; a
 * relative directory is resolved against the system property {@code tenantlake.home} (set by
 * {@code bin/tenantlake}), else the working directory. Every problem (unknown source entity type,
 * missing or empty file, duplicate name, unknown setting in an entry) throws a {@link ModelException}
 * naming the model. Whether the SQL itself works is checked by {@link ModelRunner}.
 */
public final class ModelCatalog {

  /** Where model SQL files come from: a directory or a class-path folder. */
  public interface SqlFiles {
    /** The file's text, or empty when there is no such file. */
    Optional<String> read(String file) throws IOException;

    /** Where {@code file} is looked for, for messages. */
    String locate(String file);
  }

  private static final Set<String> ENTRY_KEYS = Set.of("name", "sources", "key", "sql");

  private final EntityTypeRegistry registry;
  private final Map<String, ModelDefinition> byName;
  private final Map<String, List<ModelDefinition>> byEntityType;

  private ModelCatalog(EntityTypeRegistry registry, Map<String, ModelDefinition> byName) {
    this.registry = registry;
    this.byName = Collections.unmodifiableMap(byName);
    Map<String, List<ModelDefinition>> byType = new LinkedHashMap<>();
    for (ModelDefinition m : byName.values()) {
      for (String type : m.sourceTypes()) byType.computeIfAbsent(type, t -> new ArrayList<>()).add(m);
    }
    byType.replaceAll((t, list) -> List.copyOf(list));
    this.byEntityType = Collections.unmodifiableMap(byType);
  }

  /** Checks names (unique) and source entity types (registered). */
  public static ModelCatalog of(EntityTypeRegistry registry, List<ModelDefinition> models) {
    Map<String, ModelDefinition> byName = new LinkedHashMap<>();
    for (ModelDefinition m : models) {
      for (String type : m.sourceTypes()) {
        if (registry.find(type).isEmpty()) {
          throw new ModelException(m.name(), "unknown source entity type \"" + type + "\" (known: "
              + String.join(", ", registry.names()) + ")");
        }
      }
      if (byName.putIfAbsent(m.name(), m) != null) {
        throw new ModelException(m.name(), "defined twice (model names must be unique)");
      }
    }
    return new ModelCatalog(registry, byName);
  }

  /** From {@code tenantlake.models} and {@code tenantlake.models-dir}; no models when the list is absent. */
  public static ModelCatalog fromConfig(Config root, EntityTypeRegistry registry) {
    return fromConfig(root, registry, Thread.currentThread().getContextClassLoader());
  }

  /** Same, with the class loader that serves a {@code classpath:} models directory. */
  public static ModelCatalog fromConfig(Config root, EntityTypeRegistry registry, ClassLoader loader) {
    if (!root.hasPath("tenantlake.models")) return of(registry, List.of());
    String dir = root.hasPath("tenantlake.models-dir") ? root.getString("tenantlake.models-dir") : "conf/models";
    return load(root.getConfigList("tenantlake.models"), sqlFiles(dir, loader), registry);
  }

  /** Model entries as in {@code tenantlake.models}, with their SQL from {@code files}. */
  public static ModelCatalog load(List<? extends Config> entries, SqlFiles files, EntityTypeRegistry registry) {
    List<ModelDefinition> models = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) models.add(definition(entries.get(i), i, files));
    return of(registry, models);
  }

  private static ModelDefinition definition(Config entry, int index, SqlFiles files) {
    String name = entry.hasPath("name") ? entry.getString("name") : "#" + (index + 1) + " (no name)";
    try {
      for (String key : entry.root().keySet()) {
        if (!ENTRY_KEYS.contains(key)) {
          throw new ModelException(name, "unknown setting \"" + key + "\" (expected: name, sources, key, sql)");
        }
      }
      if (!entry.hasPath("name")) throw new ModelException(name, "has no name");
      String file = entry.hasPath("sql") ? entry.getString("sql") : name + ".sql";
      String sql;
      try {
        sql = files.read(file).orElseThrow(
            () -> new ModelException(name, "SQL file not found: " + files.locate(file)));
      } catch (IOException e) {
        throw new ModelException(name, "cannot read SQL file " + files.locate(file) + ": " + e, e);
      }
      return new ModelDefinition(name, entry.getStringList("sources"), entry.getStringList("key"), sql,
          files.locate(file));
    } catch (ConfigException e) {
      throw new ModelException(name, "bad configuration: " + e.getMessage(), e);
    }
  }

  /**
   * SQL files under {@code dir}: {@code classpath:<folder>} for class-path resources, else a
   * directory (relative: against {@code tenantlake.home} if set, else the working directory).
   */
  public static SqlFiles sqlFiles(String dir, ClassLoader loader) {
    if (dir.startsWith("classpath:")) {
      String prefix = dir.substring("classpath:".length()).replaceAll("^/+|/+$", "");
      return classpath(prefix, loader);
    }
    Path path = Path.of(dir);
    if (!path.isAbsolute()) {
      String home = System.getProperty("tenantlake.home");
      path = (home == null || home.isBlank() ? Path.of("") : Path.of(home)).resolve(path);
    }
    return directory(path.toAbsolutePath().normalize());
  }

  public static SqlFiles directory(Path dir) {
    return new SqlFiles() {
      @Override
      public Optional<String> read(String file) throws IOException {
        try {
          return Optional.of(Files.readString(dir.resolve(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
          return Optional.empty();
        }
      }

      @Override
      public String locate(String file) {
        return dir.resolve(file).toString();
      }
    };
  }

  public static SqlFiles classpath(String folder, ClassLoader loader) {
    return new SqlFiles() {
      @Override
      public Optional<String> read(String file) throws IOException {
        try (InputStream in = loader.getResourceAsStream(locate(file))) {
          return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }

      @Override
      public String locate(String file) {
        return folder.isEmpty() ? file : folder + "/" + file;
      }

      @Override
      public String toString() {
        return "classpath:" + folder;
      }
    };
  }

  public EntityTypeRegistry registry() {
    return registry;
  }

  /** Every model, in configuration order. */
  public List<ModelDefinition> all() {
    return List.copyOf(byName.values());
  }

  public Optional<ModelDefinition> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public ModelDefinition get(String name) {
    ModelDefinition m = byName.get(name);
    if (m == null) throw new IllegalArgumentException("no model " + name + " (known: " + byName.keySet() + ")");
    return m;
  }

  /** The models that events of this entity type feed, in configuration order; empty if none. */
  public List<ModelDefinition> forEntityType(String entityType) {
    return byEntityType.getOrDefault(entityType, List.of());
  }

  /** Entity types that feed at least one model. */
  public Set<String> entityTypes() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(byEntityType.keySet()));
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  @Override
  public String toString() {
    return "ModelCatalog" + byName.keySet();
  }
}
