-- Facts about the database itself: who built it (built_by = demo), the LA's code and name,
-- and data_version, bumped on every change of data so caches can tell they are stale.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('data_version', '0');

-- The import history: one row per file of each import, whatever its outcome.
CREATE TABLE imports (
    id {{ID}},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,            -- gias, cin-census, ssda903, allocations, roll, …
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_changed BIGINT NOT NULL,
    outcome TEXT NOT NULL,         -- loaded, unchanged, rejected, checked
    extract_date TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX imports_kind ON imports (kind, extract_date);
CREATE INDEX imports_sha256 ON imports (sha256);

-- The audit trail (DESIGN §8 "The command line"): append-only, the store offers no way to
-- change or delete an event. "from" is a keyword, so the column is origin.
CREATE TABLE audit_events (
    id {{ID}},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    upn TEXT,
    la_child_id TEXT,
    urn BIGINT,
    detail TEXT NOT NULL,
    origin TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor, at);
CREATE INDEX audit_events_upn ON audit_events (upn);
