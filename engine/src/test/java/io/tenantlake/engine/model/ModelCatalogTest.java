package io.tenantlake.engine.model;

import static io.tenantlake.engine.model.ModelFixtures.REGISTRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogTest {

  @TempDir Path dir;

  private Config config(String models) {
    return ConfigFactory.parseString("tenantlake { models-dir = \"" + dir.toString().replace("\\", "/")
        + "\"\n models = " + models + " }");
  }

  @Test
  void shippedConfigurationLoadsWithFanOut() {
    ModelCatalog catalog = ModelFixtures.shippedCatalog();
    assertThat(catalog.all()).extracting(ModelDefinition::name)
        .containsExactly("jira_issues", "jira_issue_labels", "jira_projects", "users", "confluence_pages");
    assertThat(catalog.forEntityType("jira.issue")).extracting(ModelDefinition::name)
        .containsExactly("jira_issues", "jira_issue_labels");
    assertThat(catalog.forEntityType("identity.user")).extracting(ModelDefinition::name).containsExactly("users");
    assertThat(catalog.forEntityType("no.such")).isEmpty();
    assertThat(catalog.entityTypes()).containsExactly("jira.issue", "jira.project", "identity.user", "confluence.page");
    ModelDefinition labels = catalog.get("jira_issue_labels");
    assertThat(labels.keyColumns()).containsExactly("issue_id", "label");
    assertThat(labels.sql()).contains("unnest");
    assertThat(labels.file()).endsWith("jira_issue_labels.sql");
    assertThatThrownBy(() -> catalog.all().add(labels)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void sqlFileDefaultsToTheModelsName() throws Exception {
    Files.writeString(dir.resolve("m1.sql"), "SELECT tenant_id, entity_id, entity_id AS id FROM events");
    ModelCatalog catalog = ModelCatalog.fromConfig(
        config("[{ name = m1, sources = [\"jira.project\"], key = [id] }]"), REGISTRY);
    assertThat(catalog.get("m1").sql()).startsWith("SELECT tenant_id");
  }

  @Test
  void relativeDirectoryResolvesAgainstTenantlakeHome() throws Exception {
    Files.createDirectories(dir.resolve("conf/models"));
    Files.writeString(dir.resolve("conf/models/m1.sql"), "SELECT tenant_id, entity_id, entity_id AS id FROM events");
    String before = System.getProperty("tenantlake.home");
    System.setProperty("tenantlake.home", dir.toString());
    try {
      ModelCatalog catalog = ModelCatalog.fromConfig(ConfigFactory.parseString(
          "tenantlake { models-dir = conf/models, models = [{ name = m1, sources = [\"jira.project\"], key = [id] }] }"),
          REGISTRY);
      assertThat(catalog.get("m1").file()).isEqualTo(dir.resolve("conf/models/m1.sql").toString());
    } finally {
      if (before == null) System.clearProperty("tenantlake.home");
      else System.setProperty("tenantlake.home", before);
    }
  }

  @Test
  void loadsFromTheClassPath() throws Exception {
    Files.createDirectories(dir.resolve("sqlmodels"));
    Files.writeString(dir.resolve("sqlmodels/p.sql"), "SELECT tenant_id, entity_id, entity_id AS project_id FROM events");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      Config c = ConfigFactory.parseString("tenantlake { models-dir = \"classpath:sqlmodels\", models = ["
          + "{ name = projects, sources = [\"jira.project\"], key = [project_id], sql = p.sql }] }");
      ModelCatalog catalog = ModelCatalog.fromConfig(c, REGISTRY, loader);
      assertThat(catalog.get("projects").file()).isEqualTo("sqlmodels/p.sql");
      assertThat(catalog.forEntityType("jira.project")).hasSize(1);
    }
  }

  @Test
  void unknownSourceEntityTypeNamesTheModel() throws Exception {
    Files.writeString(dir.resolve("x.sql"), "SELECT 1");
    assertThatThrownBy(() -> ModelCatalog.fromConfig(
        config("[{ name = x, sources = [\"jira.sprint\"], key = [id] }]"), REGISTRY))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model x:")
        .hasMessageContaining("unknown source entity type \"jira.sprint\"");
  }

  @Test
  void missingFileNamesTheModelAndThePath() {
    assertThatThrownBy(() -> ModelCatalog.fromConfig(
        config("[{ name = ghost, sources = [\"jira.issue\"], key = [id], sql = nowhere.sql }]"), REGISTRY))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model ghost:")
        .hasMessageContaining("SQL file not found")
        .hasMessageContaining("nowhere.sql");
  }

  @Test
  void duplicateNameIsRejected() throws Exception {
    Files.writeString(dir.resolve("a.sql"), "SELECT 1");
    assertThatThrownBy(() -> ModelCatalog.fromConfig(config("["
        + "{ name = twin, sources = [\"jira.issue\"], key = [id], sql = a.sql },"
        + "{ name = twin, sources = [\"jira.project\"], key = [id], sql = a.sql }]"), REGISTRY))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model twin: defined twice");
  }

  @Test
  void badEntriesAreRejectedWithTheModelsName() throws Exception {
    Files.writeString(dir.resolve("a.sql"), "SELECT 1");
    Files.writeString(dir.resolve("empty.sql"), "  \n");
    assertThatThrownBy(() -> ModelCatalog.fromConfig(
        config("[{ name = a, source = [\"jira.issue\"], key = [id] }]"), REGISTRY))
        .hasMessageContaining("model a: unknown setting \"source\"");
    assertThatThrownBy(() -> ModelCatalog.fromConfig(config("[{ name = a, sources = [\"jira.issue\"] }]"), REGISTRY))
        .isInstanceOf(ModelException.class).hasMessageContaining("model a:").hasMessageContaining("key");
    assertThatThrownBy(() -> ModelCatalog.fromConfig(
        config("[{ name = a, sources = [], key = [id] }]"), REGISTRY))
        .hasMessageContaining("model a: sources must list at least one entry");
    assertThatThrownBy(() -> ModelCatalog.fromConfig(
        config("[{ name = Bad-Name, sources = [\"jira.issue\"], key = [id], sql = a.sql }]"), REGISTRY))
        .hasMessageContaining("model Bad-Name: name must be lower-case");
    assertThatThrownBy(() -> ModelCatalog.fromConfig(
        config("[{ name = e, sources = [\"jira.issue\"], key = [id], sql = empty.sql }]"), REGISTRY))
        .hasMessageContaining("model e: SQL file").hasMessageContaining("is empty");
    assertThatThrownBy(() -> ModelCatalog.fromConfig(
        config("[{ sources = [\"jira.issue\"], key = [id], sql = a.sql }]"), REGISTRY))
        .hasMessageContaining("has no name");
  }

  @Test
  void noModelsConfiguredIsAnEmptyCatalog() {
    ModelCatalog catalog = ModelCatalog.fromConfig(ConfigFactory.empty(), REGISTRY);
    assertThat(catalog.isEmpty()).isTrue();
    assertThat(ModelCatalog.of(REGISTRY, List.of()).forEntityType("jira.issue")).isEmpty();
  }
}
