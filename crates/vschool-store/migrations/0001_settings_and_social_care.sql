-- Settings from the DfE register of establishments (GIAS), keyed by URN.
CREATE TABLE settings (
    id {{ID}},
    urn BIGINT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    type_name TEXT NOT NULL,   -- GIAS TypeOfEstablishment (name)
    phase TEXT NOT NULL,       -- GIAS PhaseOfEducation (name)
    status TEXT NOT NULL,      -- GIAS EstablishmentStatus (name)
    la_code BIGINT NOT NULL,
    la_name TEXT NOT NULL,
    postcode TEXT NOT NULL
);

-- Children in the LA's social-care returns (CIN census, SSDA903), keyed by LA child id.
-- linked_upn is the roll pupil this child is resolved to (by UPN, by former UPN, or by a
-- person accepting a pair in the review queue: link_source says which). It is a UPN rather
-- than a pupil row id so that replacing the roll does not break links.
CREATE TABLE children (
    id {{ID}},
    la_child_id TEXT NOT NULL UNIQUE,
    upn TEXT,
    upn_unknown TEXT,          -- UN1 … UN10
    former_upn TEXT,
    birth_date TEXT,
    sex TEXT,                  -- M, F, U
    ethnicity TEXT,
    linked_upn TEXT,
    link_source TEXT           -- upn, former_upn, review
);
CREATE INDEX children_upn ON children (upn);
CREATE INDEX children_former_upn ON children (former_upn);
CREATE INDEX children_linked_upn ON children (linked_upn);

-- CIN and CP plans; a plan is identified by (child, kind, start date) (DESIGN §8).
CREATE TABLE plans (
    id {{ID}},
    child_id BIGINT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,        -- CIN, CP
    start_date TEXT NOT NULL,
    end_date TEXT,             -- NULL: open
    UNIQUE (child_id, kind, start_date)
);

-- SSDA903 episodes, identified by (child, DECOM).
CREATE TABLE care_episodes (
    id {{ID}},
    child_id BIGINT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date TEXT,
    legal_status TEXT NOT NULL,
    placement TEXT NOT NULL,
    reason_ceased TEXT,
    UNIQUE (child_id, start_date)
);

-- Social-worker allocations. Keyed by the LA child id as text, not a child row: the
-- allocations file may arrive before the census that introduces the child.
CREATE TABLE allocations (
    id {{ID}},
    la_child_id TEXT NOT NULL,
    worker_name TEXT NOT NULL,
    worker_email TEXT NOT NULL,
    team TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT
);
CREATE INDEX allocations_child ON allocations (la_child_id);
CREATE INDEX allocations_worker ON allocations (worker_email);
