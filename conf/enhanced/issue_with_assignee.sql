-- Enhanced view issue_with_assignee: each live Jira issue with its assignee's user profile and its
-- project's key and name. Evaluated at query time over the tenant's own model views (the query
-- API, docs/query.md): it reads the same snapshots as the query's other views. LEFT JOINs: an
-- issue whose assignee or project is unknown (not yet ingested, or deleted) keeps its row.
SELECT
  i.issue_id,
  i.issue_key,
  i.summary,
  i.status,
  i.priority,
  i.label_count,
  i.created,
  i.updated,
  i.project_id,
  p.project_key,
  p.name          AS project_name,
  i.assignee_id,
  u.display_name  AS assignee_name,
  u.email         AS assignee_email,
  u.active        AS assignee_active
FROM jira_issues i
LEFT JOIN users u ON u.user_id = i.assignee_id
LEFT JOIN jira_projects p ON p.project_id = i.project_id
