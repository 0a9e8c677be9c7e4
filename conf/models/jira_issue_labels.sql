-- Model jira_issue_labels: one row per label of a Jira issue (entity type jira.issue), keyed by
-- (issue_id, label). An exploded model: an issue with 3 labels yields 3 rows, one without labels
-- none (its refined rows are then removed: the entity's rows are replaced as a whole).
--
-- Contract (conf/models/README.md): reads `events`; outputs tenant_id and entity_id unchanged
-- (routing, not stored) plus the model's columns. DISTINCT because the key must be unique per
-- entity: a label listed twice is one row. Empty labels are dropped.
SELECT DISTINCT
  tenant_id,
  entity_id,
  entity_id AS issue_id,
  label
FROM (
  SELECT tenant_id, entity_id, unnest(from_json(payload->'labels', '["VARCHAR"]')) AS label
  FROM events
)
WHERE label IS NOT NULL AND label <> ''
