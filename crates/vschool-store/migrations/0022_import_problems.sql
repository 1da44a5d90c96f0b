-- The problems found in each file of an import (DESIGN §8: listed in the import result and
-- on a data-quality page with the DfE rule code, with a CSV download of all). The listed
-- problems of a file are kept (up to the import's cap, 1,000 by default); imports.detail
-- says how many more there were.
CREATE TABLE import_problems (
    id {{ID}},
    import_id BIGINT NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    line BIGINT,                     -- a CSV line (header = 1) or an XML element's line
    element TEXT,                    -- an XML element path
    la_child_id TEXT,
    field TEXT,
    value TEXT,
    severity TEXT NOT NULL,          -- error, warning
    rule TEXT,                       -- the DfE validation rule, when there is one
    reason TEXT NOT NULL
);
CREATE INDEX import_problems_import ON import_problems (import_id, id);
CREATE INDEX import_problems_rule ON import_problems (rule);
