-- The raw inputs, as DuckDB relations named after what they hold.
--
-- ${relation} is VIEW when the figures are computed straight from the files (DuckDB reads
-- them while the query runs: "from files"), or TABLE when they are loaded once into a
-- DuckDB database file and the query runs on that ("from a loaded database").
-- ${files} is the folder `vschool demo --write-files` wrote; ${flat} is where
-- flatten_social_care.py put the CIN census as CSV.

-- Session marks, one file per academic year: UPN,URN,Date,Session,Code (Date ISO 8601).
CREATE OR REPLACE ${relation} marks AS
SELECT UPN AS upn, URN AS urn, "Date" AS day, Code AS code
FROM read_csv('${files}/attendance-*.csv', header = true,
    columns = {'UPN': 'VARCHAR', 'URN': 'INTEGER', 'Date': 'DATE',
               'Session': 'VARCHAR', 'Code': 'VARCHAR'});

-- The school roll. A blank LeavingDate reads as NULL (still on roll).
CREATE OR REPLACE ${relation} roll AS
SELECT UPN AS upn, URN::INTEGER AS urn, EntryDate::DATE AS entry,
       LeavingDate::DATE AS leaving, EnrolStatus AS enrol_status
FROM read_csv('${files}/roll.csv', header = true, all_varchar = true);

-- SSDA903 episodes of care; dates are dd/mm/yyyy. An open episode has no DEC.
CREATE OR REPLACE ${relation} episodes AS
SELECT CHILD AS la_child_id,
       strptime(DECOM, '%d/%m/%Y')::DATE AS start,
       strptime(DEC, '%d/%m/%Y')::DATE AS "end",
       trim(LS) AS legal_status,
       trim(REC) AS reason_ceased
FROM read_csv('${files}/episodes.csv', header = true, all_varchar = true);

-- SSDA903 header: a child's UPN, or UN1-UN5 when the child has none.
CREATE OR REPLACE ${relation} header_903 AS
SELECT CHILD AS la_child_id, UPN AS upn
FROM read_csv('${files}/header.csv', header = true, all_varchar = true);

-- The CIN census, flattened: one row per child and per plan in each year's file.
CREATE OR REPLACE ${relation} cin_children AS
SELECT la_child_id, upn, former_upn, reference_date::DATE AS reference_date
FROM read_csv('${flat}/cin_children.csv', header = true, all_varchar = true);

CREATE OR REPLACE ${relation} cin_plans AS
SELECT la_child_id, kind, start::DATE AS start, "end"::DATE AS "end",
       reference_date::DATE AS reference_date
FROM read_csv('${flat}/cin_plans.csv', header = true, all_varchar = true);
