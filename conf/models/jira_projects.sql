-- Model jira_projects: one row per Jira project (entity type jira.project), keyed by project_id.
--
-- Contract (conf/models/README.md): reads `events`; outputs tenant_id and entity_id unchanged
-- (routing, not stored) plus the model's columns, in SELECT order.
SELECT
  tenant_id,
  entity_id,
  entity_id                          AS project_id,
  payload->>'key'                    AS project_key,
  payload->>'name'                   AS name,
  NULLIF(payload->>'lead_id', '')    AS lead_id
FROM events
