-- Half-termly school packs, subscriptions and the emails that announce them (issue 6;
-- DESIGN §8 "Packs" and "Who may do what").

-- The LA's own half-term dates. A half term with no row here uses the shipped default
-- (vschool_domain::term_dates), and pages and packs then say "default dates".
CREATE TABLE half_term_dates (
    academic_year BIGINT NOT NULL,   -- the year it starts in: 2024 is 2024/25
    number BIGINT NOT NULL,          -- 1 to 6
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    set_at TEXT NOT NULL,
    set_by TEXT NOT NULL,            -- an email, or cli:<os user>
    PRIMARY KEY (academic_year, number)
);

-- "Ask to receive your school's packs", from the public page; the Virtual School approves
-- or declines. origin is the client address, for the page's rate limit.
CREATE TABLE subscription_requests (
    id {{ID}},
    urn BIGINT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,              -- DSL, DT, HEAD: what the person said they are
    email TEXT NOT NULL,             -- lower-cased
    requested_at TEXT NOT NULL,
    origin TEXT NOT NULL,
    status TEXT NOT NULL,            -- pending, approved, declined
    decided_at TEXT,
    decided_by TEXT
);
CREATE INDEX subscription_requests_status ON subscription_requests (status, id);
CREATE INDEX subscription_requests_origin ON subscription_requests (origin, requested_at);

-- Contacts the Virtual School subscribed (an approved request, or by hand), who receive
-- packs whatever their role; contacts with role DSL are subscribed anyway. Either way a
-- contact whose contacts.unsubscribed is 1 receives nothing. Keyed like contacts.
CREATE TABLE subscriptions_added (
    urn BIGINT NOT NULL,
    email TEXT NOT NULL,             -- lower-cased
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    PRIMARY KEY (urn, email)
);

-- Unsubscribe links: every email carries a new random token; only its SHA-256 is kept.
-- The link works without signing in.
CREATE TABLE unsubscribe_tokens (
    token_hash TEXT PRIMARY KEY,
    urn BIGINT NOT NULL,
    email TEXT NOT NULL,             -- lower-cased
    created_at TEXT NOT NULL,
    used_at TEXT
);

-- A school's pack for a half term, as at the half term's last day. A run that finds the
-- data changed since the last version stores a new version; pages show the latest.
-- content is JSON (the list, what changed, the tracker): child-level data, read only
-- through signed-in, audited pages.
CREATE TABLE packs (
    id {{ID}},
    urn BIGINT NOT NULL,
    half_term TEXT NOT NULL,         -- 2024/25-3
    version BIGINT NOT NULL,
    as_at TEXT NOT NULL,             -- the half term's last day
    default_dates BIGINT NOT NULL,   -- 1 when the half term's dates were the shipped default
    built_at TEXT NOT NULL,
    pupils BIGINT NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (urn, half_term, version)
);
CREATE INDEX packs_school ON packs (urn, as_at);

-- Emails waiting to go, sent, or given up on. A queued row is tried when next_attempt_at
-- has passed (by `vschool notify packs` and by the server's background task, which claim
-- a row by moving next_attempt_at forward, so two never send the same row at once).
CREATE TABLE outbox (
    id {{ID}},
    kind TEXT NOT NULL,              -- pack, account
    urn BIGINT NOT NULL,
    half_term TEXT,                  -- packs only
    pack_id BIGINT,                  -- packs only
    user_id BIGINT,                  -- account emails only
    email TEXT NOT NULL,             -- lower-cased
    name TEXT NOT NULL,
    status TEXT NOT NULL,            -- queued, sent, failed
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_half_term ON outbox (kind, half_term, urn);

-- Every attempt to send an email, whatever its outcome (the send log's history).
CREATE TABLE mail_log (
    id {{ID}},
    at TEXT NOT NULL,
    outbox_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    urn BIGINT NOT NULL,
    recipient TEXT NOT NULL,
    outcome TEXT NOT NULL,           -- sent, retry, failed
    detail TEXT NOT NULL
);
CREATE INDEX mail_log_outbox ON mail_log (outbox_id);

-- Aspirational attendance targets a school sets for the academic year, per pupil (upn) or
-- for a status group (status_group: CLA, CP, CIN, ever6). The other column is '' rather
-- than NULL so that the unique key works the same in both databases.
CREATE TABLE aspirational_targets (
    id {{ID}},
    urn BIGINT NOT NULL,
    academic_year BIGINT NOT NULL,
    upn TEXT NOT NULL,
    status_group TEXT NOT NULL,
    target_tenths BIGINT NOT NULL,   -- 95.5% is 955
    set_at TEXT NOT NULL,
    set_by TEXT NOT NULL,
    UNIQUE (urn, academic_year, upn, status_group)
);
