package io.tenantlake.engine.model;

import static io.tenantlake.engine.model.ModelFixtures.T0;
import static io.tenantlake.engine.model.ModelFixtures.catalog;
import static io.tenantlake.engine.model.ModelFixtures.delete;
import static io.tenantlake.engine.model.ModelFixtures.event;
import static io.tenantlake.engine.model.ModelFixtures.issue;
import static io.tenantlake.engine.model.ModelFixtures.issueEvent;
import static io.tenantlake.engine.model.ModelFixtures.model;
import static io.tenantlake.engine.model.ModelFixtures.page;
import static io.tenantlake.engine.model.ModelFixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenantlake.engine.delta.Column;
import io.tenantlake.engine.delta.ColumnType;
import io.tenantlake.engine.event.RawEvent;
import io.tenantlake.engine.refined.EntityRows;
import io.tenantlake.proto.v1.Op;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelRunnerTest {
  private static final String ISSUES = "SELECT tenant_id, entity_id, entity_id AS issue_id, payload->>'summary' AS summary FROM events";

  private static List<List<Object>> rows(EntityRows e) {
    return e.rows().stream().map(Arrays::asList).toList();
  }

  @Test
  void explodedLabelsFollowTheWinner() {
    try (ModelRunner runner = new ModelRunner(ModelFixtures.shippedCatalog())) {
      EntityRows three = runner.run(List.of(issueEvent("acme", "42", 1, "a", "b", "c"))).get("jira_issue_labels").get(0);
      assertThat(rows(three)).containsExactlyInAnyOrder(List.of("42", "a"), List.of("42", "b"), List.of("42", "c"));

      EntityRows one = runner.run(List.of(issueEvent("acme", "42", 2, "b"))).get("jira_issue_labels").get(0);
      assertThat(one.version()).isEqualTo(2);
      assertThat(rows(one)).containsExactly(List.of("42", "b"));

      EntityRows none = runner.run(List.of(issueEvent("acme", "42", 3))).get("jira_issue_labels").get(0);
      assertThat(none.version()).isEqualTo(3);
      assertThat(none.deleted()).isFalse();
      assertThat(none.rows()).isEmpty();

      EntityRows gone = runner.run(List.of(delete("acme", "jira.issue", "42", 4))).get("jira_issue_labels").get(0);
      assertThat(gone.deleted()).isTrue();
      assertThat(gone.rows()).isEmpty();
      assertThat(gone.version()).isEqualTo(4);
    }
  }

  @Test
  void deleteYieldsDeletedEntityRowsForEveryModelOfItsType() {
    try (ModelRunner runner = new ModelRunner(ModelFixtures.shippedCatalog())) {
      RawEvent del = delete("acme", "jira.issue", "7", 9);
      Map<String, List<EntityRows>> out = runner.run(List.of(del));
      assertThat(out.keySet()).containsExactly("jira_issues", "jira_issue_labels");
      for (List<EntityRows> rows : out.values()) {
        assertThat(rows).singleElement().satisfies(e -> {
          assertThat(e.deleted()).isTrue();
          assertThat(e.rows()).isEmpty();
          assertThat(e.entityId()).isEqualTo("7");
          assertThat(e.eventId()).isEqualTo(del.event().getEventId());
          assertThat(e.updatedAt()).isEqualTo(T0.plusSeconds(9));
        });
      }
    }
  }

  @Test
  void oneIssueBatchFansOutToBothIssueModels() {
    try (ModelRunner runner = new ModelRunner(ModelFixtures.shippedCatalog())) {
      List<RawEvent> batch = List.of(issueEvent("acme", "1", 1, "x", "y"), issueEvent("acme", "2", 5, "z"),
          issueEvent("globex", "1", 2), delete("acme", "jira.issue", "3", 2));
      Map<String, List<EntityRows>> out = runner.run(batch);
      assertThat(out.keySet()).containsExactly("jira_issues", "jira_issue_labels");
      assertThat(out.get("jira_issues")).extracting(e -> e.tenantId() + "/" + e.entityId() + ":" + e.rows().size())
          .containsExactly("acme/1:1", "acme/2:1", "globex/1:1", "acme/3:0");
      assertThat(out.get("jira_issue_labels")).extracting(e -> e.tenantId() + "/" + e.entityId() + ":" + e.rows().size())
          .containsExactly("acme/1:2", "acme/2:1", "globex/1:0", "acme/3:0");
      // Same entity id in two tenants: rows go to their own tenant's entity.
      assertThat(out.get("jira_issues").get(2).rows().get(0)[3]).isEqualTo("Summary of PROJ-1");
    }
  }

  @Test
  void batchWithoutModelledTypesOrEventsYieldsNothing() {
    try (ModelRunner runner = new ModelRunner(catalog(model("issues", "jira.issue", List.of("issue_id"), ISSUES)))) {
      assertThat(runner.run(List.of())).isEmpty();
      assertThat(runner.run(List.of(event("acme", "identity.user", "u", 1, ModelFixtures.user("A", "", true))))).isEmpty();
    }
  }

  @Test
  void aRepeatedEntityKeepsItsHighestVersion() {
    try (ModelRunner runner = new ModelRunner(catalog(model("issues", "jira.issue", List.of("issue_id"), ISSUES)))) {
      RawEvent v2 = event("acme", "jira.issue", "1", 2, issue("K").setSummary("two").build());
      RawEvent v1 = event("acme", "jira.issue", "1", 1, issue("K").setSummary("one").build());
      List<EntityRows> out = runner.run(List.of(v2, v1)).get("issues");
      assertThat(out).singleElement().satisfies(e -> {
        assertThat(e.version()).isEqualTo(2);
        assertThat(rows(e)).containsExactly(List.of("1", "two"));
      });
    }
  }

  @Test
  void brokenSqlFailsAtStartUpWithTheModelsName() {
    assertThatThrownBy(() -> new ModelRunner(catalog(
        model("broken", "jira.issue", List.of("issue_id"), "SELEC tenant_id FROM events"))))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("model broken: SQL (broken (test)) fails:")
        .satisfies(e -> assertThat(((ModelException) e).model()).isEqualTo("broken"));
    assertThatThrownBy(() -> new ModelRunner(catalog(
        model("nocol", "jira.issue", List.of("issue_id"), "SELECT tenant_id, entity_id, no_such AS issue_id FROM events"))))
        .isInstanceOf(ModelException.class).hasMessageContaining("model nocol:").hasMessageContaining("no_such");
  }

  @Test
  void missingKeyOrRoutingColumnsFailAtStartUp() {
    assertThatThrownBy(() -> new ModelRunner(catalog(
        model("nokey", "jira.issue", List.of("issue_id"), "SELECT tenant_id, entity_id, payload->>'summary' AS summary FROM events"))))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model nokey: output lacks key column issue_id");
    assertThatThrownBy(() -> new ModelRunner(catalog(
        model("noentity", "jira.issue", List.of("issue_id"), "SELECT tenant_id, entity_id AS issue_id FROM events"))))
        .hasMessageContaining("model noentity: output lacks entity_id");
    assertThatThrownBy(() -> new ModelRunner(catalog(
        model("notenant", "jira.issue", List.of("issue_id"), "SELECT entity_id, entity_id AS issue_id FROM events"))))
        .hasMessageContaining("model notenant: output lacks tenant_id");
    assertThatThrownBy(() -> new ModelRunner(catalog(
        model("routingkey", "jira.issue", List.of("entity_id"), "SELECT tenant_id, entity_id FROM events"))))
        .hasMessageContaining("model routingkey: key column entity_id is a routing column");
    assertThatThrownBy(() -> new ModelRunner(catalog(new ModelDefinition("multi", List.of("jira.issue", "confluence.page"),
        List.of("id"), "SELECT tenant_id, entity_id, entity_id AS id FROM events", "multi.sql"))))
        .hasMessageContaining("model multi: reads several entity types").hasMessageContaining("entity_type");
    assertThatThrownBy(() -> new ModelRunner(catalog(
        model("unaliased", "jira.issue", List.of("issue_id"), "SELECT tenant_id, entity_id, entity_id AS issue_id, payload->>'key' FROM events"))))
        .hasMessageContaining("model unaliased: bad output column name");
    assertThatThrownBy(() -> new ModelRunner(catalog(
        model("reserved", "jira.issue", List.of("issue_id"), "SELECT tenant_id, entity_id, entity_id AS issue_id, 1 AS _x FROM events"))))
        .hasMessageContaining("model reserved:").hasMessageContaining("reserved");
  }

  @Test
  void unsupportedColumnTypesFailAtStartUpNamingTheColumn() {
    for (String expr : List.of("payload->'labels'", "CAST(1.5 AS DECIMAL(4,2))", "CAST(1 AS SMALLINT)", "DATE '2026-01-01'",
        "from_json(payload->'labels', '[\"VARCHAR\"]')")) {
      assertThatThrownBy(() -> new ModelRunner(catalog(model("typed", "jira.issue", List.of("issue_id"),
          "SELECT tenant_id, entity_id, entity_id AS issue_id, " + expr + " AS odd FROM events"))))
          .as(expr)
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("model typed: column odd has type")
          .hasMessageContaining("cast it");
    }
  }

  @Test
  void everyColumnTypeConvertsToItsJavaValue() {
    String sql = """
        SELECT tenant_id, entity_id, entity_id AS issue_id,
          version AS v_long, CAST(version AS INTEGER) AS v_int, version > 1 AS v_bool,
          CAST(version AS DOUBLE) / 4 AS v_double, encode(payload->>'key') AS v_blob,
          emitted_at AS v_ts, CAST(payload->>'updated' AS TIMESTAMPTZ) AS v_tstz,
          op AS v_op, event_id AS v_event, CAST(NULL AS BIGINT) AS v_null
        FROM events""";
    try (ModelRunner runner = new ModelRunner(catalog(model("typed", "jira.issue", List.of("issue_id"), sql)))) {
      assertThat(runner.schema("typed").columns()).extracting(Column::type).containsExactly(ColumnType.STRING,
          ColumnType.LONG, ColumnType.INT, ColumnType.BOOLEAN, ColumnType.DOUBLE, ColumnType.BINARY,
          ColumnType.TIMESTAMP, ColumnType.TIMESTAMP, ColumnType.STRING, ColumnType.STRING, ColumnType.LONG);
      RawEvent e = issueEvent("acme", "5", 3);
      Object[] r = runner.run(List.of(e)).get("typed").get(0).rows().get(0);
      assertThat(r[0]).isEqualTo("5");
      assertThat(r[1]).isEqualTo(3L);
      assertThat(r[2]).isEqualTo(3);
      assertThat(r[3]).isEqualTo(true);
      assertThat(r[4]).isEqualTo(0.75);
      assertThat((byte[]) r[5]).isEqualTo("PROJ-5".getBytes(StandardCharsets.UTF_8));
      assertThat(r[6]).isEqualTo(T0.plusSeconds(3));
      assertThat(r[7]).isEqualTo(T0.plusMillis(1500));
      assertThat(r[8]).isEqualTo("UPDATED");
      assertThat(r[9]).isEqualTo(e.event().getEventId());
      assertThat(r[10]).isNull();
    }
  }

  @Test
  void subMicrosecondTimestampsAreTruncated() {
    try (ModelRunner runner = new ModelRunner(catalog(model("ts", "jira.issue", List.of("issue_id"),
        "SELECT tenant_id, entity_id, entity_id AS issue_id, CAST(payload->>'updated' AS TIMESTAMP) AS updated FROM events")))) {
      Instant precise = Instant.parse("2026-03-01T10:00:00.123456789Z");
      RawEvent e = event("acme", "jira.issue", "1", 1, issue("K").setUpdated(ModelFixtures.ts(precise)).build());
      assertThat(runner.run(List.of(e)).get("ts").get(0).rows().get(0)[1])
          .isEqualTo(Instant.parse("2026-03-01T10:00:00.123456Z"));
    }
  }

  @Test
  void aModelReadingSeveralTypesRoutesByEntityType() {
    String sql = """
        SELECT tenant_id, entity_type, entity_id, entity_type || ':' || entity_id AS doc_id,
          coalesce(payload->>'summary', payload->>'title') AS title
        FROM events""";
    ModelDefinition docs = new ModelDefinition("docs", List.of("jira.issue", "confluence.page"), List.of("doc_id"), sql, "docs.sql");
    try (ModelRunner runner = new ModelRunner(catalog(docs))) {
      List<EntityRows> out = runner.run(List.of(issueEvent("acme", "1", 1),
          event("acme", "confluence.page", "1", 1, page("S", "A page", "", "u")))).get("docs");
      assertThat(out).extracting(e -> e.entityType() + " " + Arrays.asList(e.rows().get(0)))
          .containsExactly("jira.issue [jira.issue:1, Summary of PROJ-1]", "confluence.page [confluence.page:1, A page]");
    }
  }

  @Test
  void aBadEventFailsAloneAndTheOthersKeepTheirRows() {
    String sql = "SELECT tenant_id, entity_id, entity_id AS issue_id, CAST(payload->>'summary' AS INTEGER) AS n FROM events";
    try (ModelRunner runner = new ModelRunner(catalog(model("numbers", "jira.issue", List.of("issue_id"), sql)))) {
      java.util.List<RawEvent> batch = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        batch.add(event("acme", "jira.issue", "i" + i, 1, issue("K").setSummary(i == 13 || i == 31 ? "many" : "" + i).build()));
      }
      batch.add(raw("acme", "jira.issue", "garbage", 1, Op.OP_CREATED, new byte[] {(byte) 0xFF, 0x01}));
      ModelRunner.Result result = runner.runIsolating(batch);
      assertThat(result.failures()).extracting(f -> f.event().event().getEntityId())
          .containsExactlyInAnyOrder("i13", "i31", "garbage");
      assertThat(result.failures()).filteredOn(f -> f.event().event().getEntityId().equals("i13")).singleElement()
          .satisfies(f -> {
            assertThat(f.model()).isEqualTo("numbers");
            assertThat(f.reason()).startsWith("SQL fails for this event:").contains("many");
          });
      assertThat(result.failures()).filteredOn(f -> f.event().event().getEntityId().equals("garbage")).singleElement()
          .satisfies(f -> assertThat(f.reason()).startsWith("payload cannot be presented"));
      List<EntityRows> ok = result.rows().get("numbers");
      assertThat(ok).hasSize(38);
      assertThat(ok).allSatisfy(e -> assertThat(e.rows().get(0)[1]).isEqualTo(Integer.parseInt(e.entityId().substring(1))));

      assertThatThrownBy(() -> runner.run(batch))
          .isInstanceOf(ModelException.class)
          .hasMessageStartingWith("model numbers: event ")
          .hasMessageContaining("(and 2 more failures)");
    }
  }

  @Test
  void nullOrRepeatedKeysFailTheirEvent() {
    String sql = """
        SELECT tenant_id, entity_id, entity_id AS issue_id, label
        FROM (SELECT tenant_id, entity_id, unnest(from_json(payload->'labels', '["VARCHAR"]')) AS label FROM events)""";
    String nullKey = "SELECT tenant_id, entity_id, NULLIF(payload->>'assignee_id', '') AS assignee FROM events";
    try (ModelRunner runner = new ModelRunner(catalog(model("labels", "jira.issue", List.of("issue_id", "label"), sql),
        model("assignees", "jira.issue", List.of("assignee"), nullKey)))) {
      ModelRunner.Result r = runner.runIsolating(List.of(issueEvent("acme", "1", 1, "a", "a"), issueEvent("acme", "2", 1, "b"),
          event("acme", "jira.issue", "3", 1, issue("K").setAssigneeId("u-1").build())));
      assertThat(r.failures()).extracting(f -> f.model() + " " + f.event().event().getEntityId() + " " + f.reason())
          .containsExactlyInAnyOrder(
              "labels 1 two rows with the same key [issue_id, label] = [1, a]",
              "assignees 1 key column assignee is null",
              "assignees 2 key column assignee is null");
      assertThat(r.rows().get("labels")).extracting(EntityRows::entityId).containsExactly("2", "3");
      assertThat(r.rows().get("assignees")).extracting(EntityRows::entityId).containsExactly("3");
    }
  }

  @Test
  void rowsThatDoNotComeFromTheBatchAreAModelError() {
    try (ModelRunner runner = new ModelRunner(catalog(model("forged", "jira.issue", List.of("issue_id"),
        "SELECT tenant_id, 'other' AS entity_id, entity_id AS issue_id FROM events")))) {
      assertThatThrownBy(() -> runner.run(List.of(issueEvent("acme", "1", 1))))
          .isInstanceOf(ModelException.class)
          .hasMessageContaining("model forged: output a row for acme/jira.issue/other, which is not an event of the batch");
    }
  }

  @Test
  void addingAColumnAddsANullableColumnToTheSchema() {
    String v1 = "SELECT tenant_id, entity_id, entity_id AS issue_id, payload->>'summary' AS summary FROM events";
    String v2 = "SELECT tenant_id, entity_id, entity_id AS issue_id, payload->>'summary' AS summary,"
        + " payload->>'status' AS status FROM events";
    try (ModelRunner before = new ModelRunner(catalog(model("issues", "jira.issue", List.of("issue_id"), v1)));
        ModelRunner after = new ModelRunner(catalog(model("issues", "jira.issue", List.of("issue_id"), v2)))) {
      assertThat(after.schema("issues").columns()).startsWith(before.schema("issues").columns().toArray(new Column[0]));
      assertThat(after.schema("issues").columns()).last().isEqualTo(Column.optional("status", ColumnType.STRING));
      assertThat(after.run(List.of(issueEvent("acme", "1", 1))).get("issues").get(0).rows().get(0))
          .containsExactly("1", "Summary of PROJ-1", "Open");
    }
  }

  @Test
  void modelSqlCannotReadFiles() {
    assertThatThrownBy(() -> new ModelRunner(catalog(model("sneaky", "jira.issue", List.of("issue_id"),
        "SELECT tenant_id, entity_id, entity_id AS issue_id, x.column0 AS line FROM events, read_csv('/etc/hostname') x"))))
        .isInstanceOf(ModelException.class).hasMessageContaining("model sneaky:")
        .hasMessageContaining("Permission Error");
  }

  @Test
  void theRunnerIsReusableAcrossManyBatches() {
    try (ModelRunner runner = new ModelRunner(ModelFixtures.shippedCatalog())) {
      for (int b = 0; b < 50; b++) {
        Map<String, List<EntityRows>> out = runner.run(List.of(issueEvent("t" + b, "1", b + 1, "l" + b)));
        assertThat(out.get("jira_issue_labels").get(0).rows().get(0)[1]).isEqualTo("l" + b);
      }
    }
  }
}
