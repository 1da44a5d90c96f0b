-- The audit trail, one row per audited action (DESIGN §8). A page that lists 200 children
-- records 200 events; stored as 200 rows with four indexes each, those writes were most of a
-- school page's cost under load (docs/performance.md). Now the action is one row and its
-- events' subjects are packed in `subjects`, a JSON array of [object, upn, la_child_id, urn]
-- (one per event, in order); `events` is their number. `Store::audit_events` unpacks them, so
-- `vschool audit --format json` still lists one event per child.
CREATE TABLE audit_records (
    id {{ID}},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    origin TEXT NOT NULL,
    subjects TEXT NOT NULL,
    events BIGINT NOT NULL
);

-- Every existing event becomes a record of one subject (UPNs, LA child ids and object codes
-- are letters, digits and hyphens, so they need no JSON escaping).
INSERT INTO audit_records (at, actor, role, action, detail, origin, subjects, events)
SELECT at, actor, role, action, detail, origin,
       '[["' || object || '",'
         || CASE WHEN upn IS NULL THEN 'null' ELSE '"' || upn || '"' END || ','
         || CASE WHEN la_child_id IS NULL THEN 'null' ELSE '"' || la_child_id || '"' END || ','
         || CASE WHEN urn IS NULL THEN 'null' ELSE CAST(urn AS TEXT) END || ']]',
       1
FROM audit_events
ORDER BY id;

DROP TABLE audit_events;

CREATE INDEX audit_records_at ON audit_records (at);
CREATE INDEX audit_records_actor ON audit_records (actor, action, at);
CREATE INDEX audit_records_origin ON audit_records (origin, action, at);
