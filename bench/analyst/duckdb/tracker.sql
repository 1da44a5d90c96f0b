-- Every school's attendance tracker, per pupil, as an analyst would write it in DuckDB: the
-- same figures as `vschool tracker --all` (DESIGN sections 4 and 8, docs/methodology.md).
--
-- Reads the relations of load.sql. The driver (tracker_duckdb.py) fills in the dates:
--   ${at}                the report date
--   ${year_start}        1 August of its academic year (year to date and on plan start here)
--   ${pt_from} ${pt_to}  the previous census term (terms end on 31 Dec and Easter Sunday)
--   ${py_from} ${py_to}  the previous academic year
--   ${six_years_before}  the start of the Ever6 window (29 February -> 28 February)
-- and writes the result of the last query, one row per school and pupil, to ${out}.

-- 1. Each child's identifiers. The newest CIN census that lists a child gives its UPN and
--    FormerUPN; a child only in the SSDA903 takes the header's UPN, where UN1-UN5 mean
--    "no UPN". (In these files the two sources never give one child different UPNs.)
CREATE OR REPLACE TEMP TABLE children AS
WITH newest_cin AS (
    SELECT la_child_id, upn, former_upn
    FROM cin_children
    QUALIFY row_number() OVER (PARTITION BY la_child_id ORDER BY reference_date DESC) = 1
)
SELECT coalesce(c.la_child_id, h.la_child_id) AS la_child_id,
       coalesce(c.upn, CASE WHEN h.upn NOT LIKE 'UN%' THEN h.upn END) AS upn,
       c.former_upn
FROM newest_cin c
FULL OUTER JOIN header_903 h ON h.la_child_id = c.la_child_id;

-- 2. A pupil's UPN links to the child with that UPN, else to a child whose FormerUPN it is.
CREATE OR REPLACE TEMP TABLE links AS
SELECT upn, la_child_id FROM children WHERE upn IS NOT NULL
UNION ALL
SELECT former_upn AS upn, la_child_id FROM children
WHERE former_upn IS NOT NULL
  AND former_upn NOT IN (SELECT upn FROM children WHERE upn IS NOT NULL);

-- 3. The spans that mean "has a social worker": CIN plans, CP plans and looked-after episodes,
--    except short breaks (legal status V3, V4), which are not "looked after". A plan is
--    (child, kind, start); where several census files list it, the latest reference date
--    has its final end date.
CREATE OR REPLACE TEMP TABLE spans AS
SELECT la_child_id, kind, start, "end"
FROM (
    SELECT * FROM cin_plans
    QUALIFY row_number() OVER (PARTITION BY la_child_id, kind, start
                               ORDER BY reference_date DESC) = 1
)
UNION ALL
SELECT la_child_id, 'CLA' AS kind, start, "end"
FROM episodes
WHERE legal_status NOT IN ('V3', 'V4');

-- 4. Status on the report date: CLA > CP > CIN; else ever6 when any span touched the six
--    years up to the date. A span covers start..end inclusive; an open one runs on.
--    Previously looked-after children (last period of care ended in adoption E11/E12, a
--    child arrangements order E41 or special guardianship E43-E48) never appear in a
--    school's tracker.
CREATE OR REPLACE TEMP TABLE statuses AS
WITH flags AS (
    SELECT la_child_id,
        bool_or(kind = 'CLA' AND start <= DATE '${at}' AND coalesce("end", DATE '${at}') >= DATE '${at}') AS cla,
        bool_or(kind = 'CP'  AND start <= DATE '${at}' AND coalesce("end", DATE '${at}') >= DATE '${at}') AS cp,
        bool_or(kind = 'CIN' AND start <= DATE '${at}' AND coalesce("end", DATE '${at}') >= DATE '${at}') AS cin,
        bool_or(start <= DATE '${at}' AND coalesce("end", DATE '${at}') >= DATE '${six_years_before}') AS ever6
    FROM spans
    GROUP BY la_child_id
),
last_care AS (
    -- The episode that ended last on or before the date (any legal status).
    SELECT la_child_id, reason_ceased
    FROM episodes
    WHERE "end" <= DATE '${at}'
    QUALIFY row_number() OVER (PARTITION BY la_child_id ORDER BY "end" DESC, start DESC) = 1
)
SELECT f.la_child_id,
       CASE WHEN cla THEN 'CLA' WHEN cp THEN 'CP' WHEN cin THEN 'CIN' ELSE 'ever6' END AS status
FROM flags f
LEFT JOIN last_care l ON l.la_child_id = f.la_child_id
WHERE cla OR cp OR cin
   OR (ever6 AND coalesce(l.reason_ceased NOT IN ('E11', 'E12', 'E41', 'E43', 'E44', 'E45',
                                                  'E46', 'E47', 'E48'), TRUE));

-- 5. Pupils whose UPN links to a child with a status: the tracker's candidates.
CREATE OR REPLACE TEMP TABLE candidates AS
SELECT l.upn, s.la_child_id, s.status
FROM links l
JOIN statuses s ON s.la_child_id = l.la_child_id;

-- 6. The days of this academic year up to the date that a span covers ("on plan"): one row
--    per pupil and day, so a day covered by two plans counts once.
CREATE OR REPLACE TEMP TABLE plan_days AS
SELECT DISTINCT upn, day::DATE AS day
FROM (
    SELECT c.upn,
           unnest(generate_series(greatest(s.start, DATE '${year_start}'),
                                  least(coalesce(s."end", DATE '${at}'), DATE '${at}'),
                                  INTERVAL 1 DAY)) AS day
    FROM candidates c
    JOIN spans s ON s.la_child_id = c.la_child_id
    WHERE s.start <= DATE '${at}' AND coalesce(s."end", DATE '${at}') >= DATE '${year_start}'
);

-- 7. Each candidate's marks at each school, counted by period and by what the code means.
--    Codes keep one meaning across the 2024 change (H authorised and J attending before
--    19 August 2024; the import rejects codes used outside their set), so a code's category
--    does not depend on its date. Any other code (D X Q Y Y1-Y7 Z #) is not a possible
--    session; an empty or "-" code is no mark. Only this school's marks count; marks after
--    the date never do. (A lookup table, not a CASE: DuckDB would evaluate the CASE once
--    for each of the twelve counts.)
CREATE OR REPLACE TEMP TABLE codes AS
SELECT code, 'attended' AS category
FROM unnest(['/', '\', 'L', 'K', 'V', 'P', 'W', 'B', 'J']) AS t(code)
UNION ALL
SELECT code, 'authorised'
FROM unnest(['C1', 'M', 'J1', 'S', 'C2', 'C', 'T', 'R', 'I', 'E', 'H']) AS t(code)
UNION ALL
SELECT code, 'unauthorised' FROM unnest(['G', 'N', 'O', 'U']) AS t(code)
UNION ALL
SELECT code, 'not possible'
FROM unnest(['D', 'X', 'Q', 'Y', 'Y1', 'Y2', 'Y3', 'Y4', 'Y5', 'Y6', 'Y7', 'Z', '#']) AS t(code);

CREATE OR REPLACE TEMP TABLE tallies AS
WITH categorised AS (
    SELECT m.upn, m.urn, m.day, k.category,
        p.day IS NOT NULL AS on_plan,
        m.day BETWEEN DATE '${year_start}' AND DATE '${at}' AS ytd,
        m.day BETWEEN DATE '${pt_from}' AND DATE '${pt_to}' AS pt,
        m.day BETWEEN DATE '${py_from}' AND DATE '${py_to}' AS py
    FROM marks m
    JOIN codes k ON k.code = m.code
    LEFT JOIN plan_days p ON p.upn = m.upn AND p.day = m.day
    WHERE m.upn IN (SELECT upn FROM candidates)
)
SELECT upn, urn,
    min(day) AS first_mark,
    max(day) AS last_mark,
    count(*) FILTER (WHERE ytd AND on_plan AND category = 'attended')     AS op_attended,
    count(*) FILTER (WHERE ytd AND on_plan AND category = 'authorised')   AS op_authorised,
    count(*) FILTER (WHERE ytd AND on_plan AND category = 'unauthorised') AS op_unauthorised,
    count(*) FILTER (WHERE ytd AND category = 'attended')     AS ytd_attended,
    count(*) FILTER (WHERE ytd AND category = 'authorised')   AS ytd_authorised,
    count(*) FILTER (WHERE ytd AND category = 'unauthorised') AS ytd_unauthorised,
    count(*) FILTER (WHERE pt AND category = 'attended')     AS pt_attended,
    count(*) FILTER (WHERE pt AND category = 'authorised')   AS pt_authorised,
    count(*) FILTER (WHERE pt AND category = 'unauthorised') AS pt_unauthorised,
    count(*) FILTER (WHERE py AND category = 'attended')     AS py_attended,
    count(*) FILTER (WHERE py AND category = 'authorised')   AS py_authorised,
    count(*) FILTER (WHERE py AND category = 'unauthorised') AS py_unauthorised
FROM categorised
GROUP BY upn, urn;

-- 8. On roll at a school on the date: EntryDate <= date <= LeavingDate (blank is open) with
--    EnrolStatus C, M or S; or, where the school sent marks but has no enrolment for the
--    pupil at all, between the pupil's first and last marks there. One row per school and
--    pupil (a dual-registered pupil has a row at each school).
CREATE OR REPLACE TEMP TABLE tracker AS
WITH on_roll AS (
    SELECT r.urn, r.upn
    FROM roll r
    WHERE r.enrol_status IN ('C', 'M', 'S')
      AND r.entry <= DATE '${at}' AND coalesce(r.leaving, DATE '${at}') >= DATE '${at}'
      AND r.upn IN (SELECT upn FROM candidates)
    UNION
    SELECT t.urn, t.upn
    FROM tallies t
    WHERE t.first_mark <= DATE '${at}' AND t.last_mark >= DATE '${at}'
      AND NOT EXISTS (SELECT 1 FROM roll r WHERE r.upn = t.upn AND r.urn = t.urn)
)
SELECT o.urn, o.upn, c.status,
    coalesce(op_attended, 0) AS op_attended, coalesce(op_authorised, 0) AS op_authorised,
    coalesce(op_unauthorised, 0) AS op_unauthorised,
    coalesce(ytd_attended, 0) AS ytd_attended, coalesce(ytd_authorised, 0) AS ytd_authorised,
    coalesce(ytd_unauthorised, 0) AS ytd_unauthorised,
    coalesce(pt_attended, 0) AS pt_attended, coalesce(pt_authorised, 0) AS pt_authorised,
    coalesce(pt_unauthorised, 0) AS pt_unauthorised,
    coalesce(py_attended, 0) AS py_attended, coalesce(py_authorised, 0) AS py_authorised,
    coalesce(py_unauthorised, 0) AS py_unauthorised
FROM on_roll o
JOIN candidates c ON c.upn = o.upn
LEFT JOIN tallies t ON t.upn = o.upn AND t.urn = o.urn;

-- 9. Possible sessions, attendance rates and the absence flags. A rate is attended / possible
--    x 100 in double precision, rounded half up to one decimal (DuckDB's round() does that
--    for every count a year can hold: check_rounding.py), empty when nothing was possible.
--    Persistent absence: absent x 10 >= possible; severe: absent x 2 >= possible; on the year
--    to date, false with no possible sessions.
CREATE OR REPLACE TEMP MACRO pct(attended, possible) AS
    CASE WHEN possible > 0 THEN printf('%.1f', round(attended::DOUBLE / possible * 100, 1)) END;

CREATE OR REPLACE TEMP TABLE result AS
WITH p AS (
    SELECT *,
        op_attended + op_authorised + op_unauthorised AS op_possible,
        ytd_attended + ytd_authorised + ytd_unauthorised AS ytd_possible,
        pt_attended + pt_authorised + pt_unauthorised AS pt_possible,
        py_attended + py_authorised + py_unauthorised AS py_possible
    FROM tracker
)
SELECT urn, upn, status,
    op_possible, op_attended, op_authorised, op_unauthorised, pct(op_attended, op_possible) AS op_pct,
    ytd_possible, ytd_attended, ytd_authorised, ytd_unauthorised, pct(ytd_attended, ytd_possible) AS ytd_pct,
    pt_possible, pt_attended, pt_authorised, pt_unauthorised, pct(pt_attended, pt_possible) AS pt_pct,
    py_possible, py_attended, py_authorised, py_unauthorised, pct(py_attended, py_possible) AS py_pct,
    (ytd_possible > 0 AND (ytd_authorised + ytd_unauthorised) * 10 >= ytd_possible)::INTEGER AS persistent_absence,
    (ytd_possible > 0 AND (ytd_authorised + ytd_unauthorised) * 2 >= ytd_possible)::INTEGER AS severe_absence
FROM p;

COPY (SELECT * FROM result ORDER BY urn, upn) TO '${out}' (HEADER, DELIMITER ',');
