-- Model confluence_pages: one row per Confluence page (entity type confluence.page), keyed by
-- page_id. The body is not copied (bodies can be many MiB); its length in characters is.
--
-- Contract (conf/models/README.md): reads `events`; outputs tenant_id and entity_id unchanged
-- (routing, not stored) plus the model's columns, in SELECT order.
SELECT
  tenant_id,
  entity_id,
  entity_id                                AS page_id,
  payload->>'space_key'                    AS space_key,
  payload->>'title'                        AS title,
  NULLIF(payload->>'author_id', '')        AS author_id,
  CAST(length(payload->>'body') AS BIGINT) AS body_length,
  CAST(payload->>'updated' AS TIMESTAMP)   AS updated
FROM events
