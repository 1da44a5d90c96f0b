-- When each school last read its packs (issue 6: the schools list's "last pack read", so the
-- Virtual School can chase schools that do not read them). One row per school and half term:
-- when someone with a dsl account for the school first and last opened or downloaded that
-- half term's pack, and how often. The audit trail holds every read; this keeps the latest
-- to hand without searching it. Reads by the Virtual School's own team are not counted.
CREATE TABLE pack_reads (
    urn BIGINT NOT NULL,
    half_term TEXT NOT NULL,         -- 2024/25-3
    first_read_at TEXT NOT NULL,
    last_read_at TEXT NOT NULL,
    last_read_by TEXT NOT NULL,      -- the reader's email
    reads BIGINT NOT NULL,
    PRIMARY KEY (urn, half_term)
);
