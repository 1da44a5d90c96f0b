-- Pupils as schools' rolls give them, keyed by UPN.
CREATE TABLE pupils (
    id {{ID}},
    upn TEXT NOT NULL UNIQUE,
    surname TEXT NOT NULL,
    forename TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    sex TEXT NOT NULL
);
-- The identity review queue pairs children without a UPN with pupils by birth date and sex.
CREATE INDEX pupils_birth_sex ON pupils (birth_date, sex);

-- Characteristics (SEN provision, ethnicity) come from a different source than the roll,
-- so they are kept apart: replacing one never wipes the other.
CREATE TABLE pupil_characteristics (
    id {{ID}},
    upn TEXT NOT NULL UNIQUE,
    sen TEXT,                  -- N, K, E
    ethnicity TEXT
);

-- Enrolments, keyed by (UPN, URN, entry date) as the roll is (DESIGN §8).
CREATE TABLE enrolments (
    id {{ID}},
    upn TEXT NOT NULL,
    urn BIGINT NOT NULL,
    entry_date TEXT NOT NULL,
    leaving_date TEXT,
    status TEXT NOT NULL,      -- C, M, S, G
    nc_year TEXT NOT NULL,     -- N1, N2, R, 1–14, X
    UNIQUE (upn, urn, entry_date)
);
CREATE INDEX enrolments_school ON enrolments (urn, entry_date);

-- Suspensions and permanent exclusions, keyed by (UPN, URN, category, start date).
CREATE TABLE exclusions (
    id {{ID}},
    upn TEXT NOT NULL,
    urn BIGINT NOT NULL,
    category TEXT NOT NULL,    -- SUSP, PERM
    start_date TEXT NOT NULL,
    sessions BIGINT,           -- a suspension's length; NULL for PERM
    reason TEXT NOT NULL,
    UNIQUE (upn, urn, category, start_date)
);
CREATE INDEX exclusions_school ON exclusions (urn, start_date);

-- Attainment, keyed by (UPN, academic year, measure). A Y/N measure fills met (0/1); a
-- score fills score_tenths (Attainment 8 45.5 is 455).
CREATE TABLE attainment (
    id {{ID}},
    upn TEXT NOT NULL,
    academic_year BIGINT NOT NULL, -- the year it starts in: 2024 is 2024/25
    measure TEXT NOT NULL,
    met BIGINT,
    score_tenths BIGINT,
    UNIQUE (upn, academic_year, measure)
);

-- School contacts who may receive packs, keyed by (URN, email). unsubscribed survives
-- re-imports (DESIGN §8).
CREATE TABLE contacts (
    id {{ID}},
    urn BIGINT NOT NULL,
    role TEXT NOT NULL,        -- DSL, DT, HEAD
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    unsubscribed BIGINT NOT NULL DEFAULT 0,
    UNIQUE (urn, email)
);
