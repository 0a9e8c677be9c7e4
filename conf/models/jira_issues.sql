-- Model jira_issues: one row per Jira issue (entity type jira.issue), keyed by issue_id.
--
-- Contract (conf/models/README.md): reads `events` (the batch's live winners of this model's source
-- types: tenant_id, entity_type, entity_id, version, op, event_id, emitted_at, payload JSON with
-- proto field names and every field present); outputs tenant_id and entity_id unchanged (routing,
-- not stored) plus the model's columns, in SELECT order. Proto JSON timestamps are RFC 3339 strings
-- in UTC: cast them with ::TIMESTAMP. Ids that the proto leaves empty when unset become NULL.
SELECT
  tenant_id,
  entity_id,
  entity_id                                AS issue_id,
  payload->>'key'                          AS issue_key,
  NULLIF(payload->>'project_id', '')       AS project_id,
  payload->>'summary'                      AS summary,
  payload->>'description'                  AS description,
  payload->>'status'                       AS status,
  NULLIF(payload->>'assignee_id', '')      AS assignee_id,
  NULLIF(payload->>'priority', '')         AS priority,
  CAST(json_array_length(payload->'labels') AS INTEGER) AS label_count,
  CAST(payload->>'created' AS TIMESTAMP)   AS created,
  CAST(payload->>'updated' AS TIMESTAMP)   AS updated
FROM events
