-- Imports (issue 3; DESIGN §8 "What a re-import replaces"). Every social-care file held is
-- kept as it came: one CIN census per collection year, one SSDA903 set per collection year,
-- and the demo's dataset. The children, plans and care_episodes tables (and cin_episodes
-- below) are derived from these: for each child, plan, episode and CIN episode key the
-- source with the latest extract date wins, whatever order the files came in, and replacing
-- a year's file can both add and take away (an entry only that file listed disappears, one
-- an older file also lists reverts to the older file's version).
CREATE TABLE social_care_sources (
    id {{ID}},
    kind TEXT NOT NULL,              -- cin-census, ssda903, dataset
    collection_year BIGINT NOT NULL, -- the year of the 31 March that ends the collection; 0 for dataset
    extract_date TEXT NOT NULL,      -- CIN ReferenceDate; 903 end of the collection period
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,            -- of the file (of the files' hashes for a 903 set)
    imported_at TEXT NOT NULL,
    UNIQUE (kind, collection_year)
);

-- A child's identifiers as one source gives them. unusable_upn is a UPN the file gives that
-- is not a valid UPN (the data-quality page lists it; the child cannot link by it).
CREATE TABLE source_children (
    id {{ID}},
    source_id BIGINT NOT NULL REFERENCES social_care_sources (id) ON DELETE CASCADE,
    la_child_id TEXT NOT NULL,
    upn TEXT,
    upn_unknown TEXT,
    former_upn TEXT,
    unusable_upn TEXT,
    birth_date TEXT,
    sex TEXT,
    ethnicity TEXT,
    UNIQUE (source_id, la_child_id)
);
CREATE INDEX source_children_child ON source_children (la_child_id);

CREATE TABLE source_plans (
    id {{ID}},
    source_id BIGINT NOT NULL REFERENCES social_care_sources (id) ON DELETE CASCADE,
    la_child_id TEXT NOT NULL,
    kind TEXT NOT NULL,              -- CIN, CP
    start_date TEXT NOT NULL,
    end_date TEXT,
    UNIQUE (source_id, la_child_id, kind, start_date)
);

CREATE TABLE source_care_episodes (
    id {{ID}},
    source_id BIGINT NOT NULL REFERENCES social_care_sources (id) ON DELETE CASCADE,
    la_child_id TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    legal_status TEXT NOT NULL,
    placement TEXT NOT NULL,
    reason_ceased TEXT,
    UNIQUE (source_id, la_child_id, start_date)
);

-- CIN episodes (referrals), keyed by (child, referral date) (DESIGN §8).
CREATE TABLE source_cin_episodes (
    id {{ID}},
    source_id BIGINT NOT NULL REFERENCES social_care_sources (id) ON DELETE CASCADE,
    la_child_id TEXT NOT NULL,
    referral_date TEXT NOT NULL,
    closure_date TEXT,
    reason_for_closure TEXT,
    primary_need TEXT,
    UNIQUE (source_id, la_child_id, referral_date)
);

-- The merged CIN episodes of each child (derived like plans and care_episodes).
CREATE TABLE cin_episodes (
    id {{ID}},
    child_id BIGINT NOT NULL REFERENCES children (id) ON DELETE CASCADE,
    referral_date TEXT NOT NULL,
    closure_date TEXT,
    reason_for_closure TEXT,
    primary_need TEXT,
    UNIQUE (child_id, referral_date)
);
