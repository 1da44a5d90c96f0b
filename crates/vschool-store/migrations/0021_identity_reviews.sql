-- The identity review queue (DESIGN §8 "Identity and linking"): a social-care child with no
-- usable UPN and a roll pupil with the same date of birth and sex, proposed as a pair.
-- Nothing is linked until a person accepts; a decided pair (accepted or rejected) is never
-- proposed again and stays decided across re-imports. Keyed by LA child id and UPN rather
-- than row ids, so that re-imports and the demo's rebuilds cannot orphan a decision.
CREATE TABLE identity_reviews (
    id {{ID}},
    la_child_id TEXT NOT NULL,
    upn TEXT NOT NULL,
    status TEXT NOT NULL,            -- pending, accepted, rejected
    proposed_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by TEXT,                 -- an email, or cli:<os user>
    UNIQUE (la_child_id, upn)
);
CREATE INDEX identity_reviews_status ON identity_reviews (status, id);
CREATE INDEX identity_reviews_upn ON identity_reviews (upn);
