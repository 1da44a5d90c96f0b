-- Accounts of the people who sign in to the web service, their sessions, one-time
-- set-password links and API tokens (issue 5; DESIGN §8 "Who may do what").
--
-- Secrets are never stored as given: passwords as argon2id PHC strings; session ids,
-- set-password links and API tokens as the SHA-256 (hex) of the random value, so a copy of
-- the database cannot be used to sign in.

CREATE TABLE users (
    id {{ID}},
    email TEXT NOT NULL UNIQUE,        -- lower-cased
    name TEXT NOT NULL,
    role TEXT NOT NULL,                -- vsh, advisory-teacher, data-officer, dsl, social-worker, trainer
    worker_email TEXT,                 -- social-worker: the WorkerEmail of their caseload, lower-cased
    password_hash TEXT,                -- argon2id PHC string; NULL until set from a link
    totp_secret TEXT,                  -- base32; NULL until the second factor is enrolled
    totp_last_step BIGINT,             -- the last accepted TOTP time step: a code works once
    created_at TEXT NOT NULL,
    last_sign_in_at TEXT,
    disabled_at TEXT
);

-- A DSL's schools (URNs; not a foreign key, so an account can be set up before the
-- settings register is imported).
CREATE TABLE user_schools (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    urn BIGINT NOT NULL,
    PRIMARY KEY (user_id, urn)
);

CREATE TABLE password_links (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_links_user ON password_links (user_id);

-- Server-side sessions. second_factor is 0 between the password and the TOTP code;
-- pending_totp_secret holds a secret being enrolled until its first code is confirmed.
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    second_factor BIGINT NOT NULL,
    pending_totp_secret TEXT,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    revoked_at TEXT,
    origin TEXT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

CREATE TABLE api_tokens (
    id {{ID}},
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Sign-in rate limiting counts recent failed sign-ins per address from the audit trail.
CREATE INDEX audit_events_origin ON audit_events (origin, action, at);
