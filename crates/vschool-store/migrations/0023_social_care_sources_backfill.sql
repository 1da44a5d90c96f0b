-- A database whose children were loaded before social-care files were kept (migration 0020:
-- only the demo loaded children then) gets them as its oldest source, the "dataset", as
-- `replace_with_dataset` now records it. Without this, the first import would rebuild the
-- children it lists from the imported files alone and drop what the demo held for them.
-- Does nothing in a database with no children or with sources already.
INSERT INTO social_care_sources (kind, collection_year, extract_date, file_name, sha256, imported_at)
SELECT 'dataset', 0, '0001-01-01', 'data held before migration 0020', '', '2000-01-01T00:00:00.000000Z'
WHERE EXISTS (SELECT 1 FROM children) AND NOT EXISTS (SELECT 1 FROM social_care_sources);

INSERT INTO source_children (source_id, la_child_id, upn, upn_unknown, former_upn, unusable_upn, birth_date, sex, ethnicity)
SELECT s.id, c.la_child_id, c.upn, c.upn_unknown, c.former_upn, NULL, c.birth_date, c.sex, c.ethnicity
FROM children c JOIN social_care_sources s
  ON s.kind = 'dataset' AND s.file_name = 'data held before migration 0020';

INSERT INTO source_plans (source_id, la_child_id, kind, start_date, end_date)
SELECT s.id, c.la_child_id, p.kind, p.start_date, p.end_date
FROM plans p JOIN children c ON c.id = p.child_id JOIN social_care_sources s
  ON s.kind = 'dataset' AND s.file_name = 'data held before migration 0020';

INSERT INTO source_care_episodes (source_id, la_child_id, start_date, end_date, legal_status, placement, reason_ceased)
SELECT s.id, c.la_child_id, e.start_date, e.end_date, e.legal_status, e.placement, e.reason_ceased
FROM care_episodes e JOIN children c ON c.id = e.child_id JOIN social_care_sources s
  ON s.kind = 'dataset' AND s.file_name = 'data held before migration 0020';
