package io.tenantlake.engine.model;

import static io.tenantlake.engine.model.ModelFixtures.T0;
import static io.tenantlake.engine.model.ModelFixtures.delete;
import static io.tenantlake.engine.model.ModelFixtures.event;
import static io.tenantlake.engine.model.ModelFixtures.issue;
import static io.tenantlake.engine.model.ModelFixtures.issueEvent;
import static io.tenantlake.engine.model.ModelFixtures.page;
import static io.tenantlake.engine.model.ModelFixtures.project;
import static io.tenantlake.engine.model.ModelFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.engine.refined.EntityRows;
import io.tenantlake.engine.refined.ModelSchema;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The models in conf/models, as configured in reference.conf, over small batches. */
class ShippedModelsTest {
  private static ModelRunner runner;

  @BeforeAll
  static void start() {
    runner = new ModelRunner(ModelFixtures.shippedCatalog());
  }

  @AfterAll
  static void stop() {
    runner.close();
  }

  private static List<Object> row(EntityRows e, int i) {
    return Arrays.asList(e.rows().get(i));
  }

  @Test
  void schemasAreDerivedFromTheSql() {
    assertThat(runner.schemas().keySet())
        .containsExactly("jira_issues", "jira_issue_labels", "jira_projects", "users", "confluence_pages");
    ModelSchema issues = runner.schema("jira_issues");
    assertThat(issues.keyColumns()).containsExactly("issue_id");
    assertThat(issues.columns()).containsExactly(
        Column.required("issue_id", ColumnType.STRING),
        Column.optional("issue_key", ColumnType.STRING),
        Column.optional("project_id", ColumnType.STRING),
        Column.optional("summary", ColumnType.STRING),
        Column.optional("description", ColumnType.STRING),
        Column.optional("status", ColumnType.STRING),
        Column.optional("assignee_id", ColumnType.STRING),
        Column.optional("priority", ColumnType.STRING),
        Column.optional("label_count", ColumnType.INT),
        Column.optional("created", ColumnType.TIMESTAMP),
        Column.optional("updated", ColumnType.TIMESTAMP));
    assertThat(runner.schema("jira_issue_labels").columns()).containsExactly(
        Column.required("issue_id", ColumnType.STRING), Column.required("label", ColumnType.STRING));
    assertThat(runner.schema("jira_projects").columns()).extracting(Column::name)
        .containsExactly("project_id", "project_key", "name", "lead_id");
    assertThat(runner.schema("users").columns()).containsExactly(
        Column.required("user_id", ColumnType.STRING),
        Column.optional("display_name", ColumnType.STRING),
        Column.optional("email", ColumnType.STRING),
        Column.optional("active", ColumnType.BOOLEAN));
    assertThat(runner.schema("confluence_pages").columns()).containsExactly(
        Column.required("page_id", ColumnType.STRING),
        Column.optional("space_key", ColumnType.STRING),
        Column.optional("title", ColumnType.STRING),
        Column.optional("author_id", ColumnType.STRING),
        Column.optional("body_length", ColumnType.LONG),
        Column.optional("updated", ColumnType.TIMESTAMP));
  }

  @Test
  void runnerSettingsAndRunnerComeFromTheConfiguration() {
    assertThat(ModelRunnerSettings.fromConfig(ModelFixtures.shippedConfig()))
        .isEqualTo(new ModelRunnerSettings(1, 512L << 20));
    try (ModelRunner fromConfig = ModelRunner.fromConfig(ModelFixtures.shippedConfig(), ModelFixtures.REGISTRY)) {
      assertThat(fromConfig.schemas()).isEqualTo(runner.schemas());
    }
  }

  @Test
  void jiraIssues() {
    RawEvent assigned = event("acme", "jira.issue", "10001", 3,
        issue("PROJ-1", "bug").setAssigneeId("u-7").setPriority("").build());
    RawEvent unassigned = event("acme", "jira.issue", "10002", 1,
        issue("PROJ-2").clearCreated().clearUpdated().build());
    Map<String, List<EntityRows>> out = runner.run(List.of(assigned, unassigned));

    assertThat(out.keySet()).containsExactly("jira_issues", "jira_issue_labels");
    List<EntityRows> issues = out.get("jira_issues");
    assertThat(issues).extracting(EntityRows::entityId).containsExactly("10001", "10002");
    EntityRows first = issues.get(0);
    assertThat(first.tenantId()).isEqualTo("acme");
    assertThat(first.entityType()).isEqualTo("jira.issue");
    assertThat(first.version()).isEqualTo(3);
    assertThat(first.deleted()).isFalse();
    assertThat(first.eventId()).isEqualTo(assigned.event().getEventId());
    assertThat(first.updatedAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(first.rows()).hasSize(1);
    assertThat(row(first, 0)).containsExactly("10001", "PROJ-1", "p-1", "Summary of PROJ-1",
        "Description of PROJ-1", "Open", "u-7", null, 1, T0, T0.plusMillis(1500));
    // Empty ids and unset timestamps are NULL.
    assertThat(row(issues.get(1), 0)).containsExactly("10002", "PROJ-2", "p-1", "Summary of PROJ-2",
        "Description of PROJ-2", "Open", null, "High", 0, null, null);
  }

  @Test
  void jiraIssueLabels() {
    Map<String, List<EntityRows>> out = runner.run(List.of(
        issueEvent("acme", "1", 1, "backend", "urgent", "backend", ""),
        issueEvent("acme", "2", 1)));
    List<EntityRows> labels = out.get("jira_issue_labels");
    assertThat(labels).extracting(EntityRows::entityId).containsExactly("1", "2");
    assertThat(labels.get(0).rows()).extracting(r -> Arrays.asList(r))
        .containsExactlyInAnyOrder(List.of("1", "backend"), List.of("1", "urgent"));
    assertThat(labels.get(1).rows()).isEmpty();
    assertThat(labels.get(1).deleted()).isFalse();
  }

  @Test
  void jiraProjects() {
    EntityRows p = runner.run(List.of(event("acme", "jira.project", "p-1", 2, project("PROJ", "Project One", ""))))
        .get("jira_projects").get(0);
    assertThat(row(p, 0)).containsExactly("p-1", "PROJ", "Project One", null);
  }

  @Test
  void users() {
    Map<String, List<EntityRows>> out = runner.run(List.of(
        event("acme", "identity.user", "u-1", 1, user("Ada", "ada@example.com", true)),
        event("acme", "identity.user", "u-2", 4, user("Bob", "", false))));
    assertThat(out.get("users")).extracting(e -> Arrays.asList(e.rows().get(0)))
        .containsExactly(List.of("u-1", "Ada", "ada@example.com", true), Arrays.asList("u-2", "Bob", null, false));
  }

  @Test
  void confluencePages() {
    EntityRows page = runner.run(List.of(event("globex", "confluence.page", "pg-9", 7,
        page("ENG", "Runbook", "héllo wörld", "u-1")))).get("confluence_pages").get(0);
    assertThat(page.tenantId()).isEqualTo("globex");
    assertThat(row(page, 0)).containsExactly("pg-9", "ENG", "Runbook", "u-1", 11L, T0.plusSeconds(60));
  }

  @Test
  void mixedBatchFeedsEveryModelOfItsTypes() {
    Map<String, List<EntityRows>> out = runner.run(List.of(
        issueEvent("acme", "1", 1, "a"),
        event("acme", "jira.project", "p-1", 1, project("PROJ", "P", "u-1")),
        event("acme", "identity.user", "u-1", 1, user("Ada", "ada@example.com", true)),
        delete("acme", "confluence.page", "pg-1", 5)));
    assertThat(out.keySet())
        .containsExactly("jira_issues", "jira_issue_labels", "jira_projects", "users", "confluence_pages");
    assertThat(out.get("confluence_pages")).singleElement()
        .satisfies(e -> {
          assertThat(e.deleted()).isTrue();
          assertThat(e.rows()).isEmpty();
          assertThat(e.version()).isEqualTo(5);
        });
  }
}
