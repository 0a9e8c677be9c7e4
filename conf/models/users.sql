-- Model users: one row per user (entity type identity.user), keyed by user_id. Deactivation is an
-- update (active = false), not a delete.
--
-- Contract (conf/models/README.md): reads `events`; outputs tenant_id and entity_id unchanged
-- (routing, not stored) plus the model's columns, in SELECT order. Booleans are always present in
-- the payload JSON (false included), so active is never NULL.
SELECT
  tenant_id,
  entity_id,
  entity_id                             AS user_id,
  payload->>'display_name'              AS display_name,
  NULLIF(payload->>'email', '')         AS email,
  CAST(payload->>'active' AS BOOLEAN)   AS active
FROM events
