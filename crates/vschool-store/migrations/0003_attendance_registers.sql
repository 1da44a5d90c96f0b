-- Session marks, one row per (pupil, school, academic year) rather than one per mark
-- (docs/decisions/0003-attendance-layout.md). sessions holds one byte per session from
-- 1 August, AM then PM (the domain's YearRegister bytes, 0 = no mark); marks counts the
-- non-zero bytes so totals need not read the blobs.
CREATE TABLE attendance_registers (
    id {{ID}},
    upn TEXT NOT NULL,
    urn BIGINT NOT NULL,
    academic_year BIGINT NOT NULL, -- the year it starts in: 2024 is 2024/25
    marks BIGINT NOT NULL,
    sessions {{BLOB}} NOT NULL,
    UNIQUE (upn, urn, academic_year)
);
CREATE INDEX attendance_registers_school ON attendance_registers (urn, academic_year);
CREATE INDEX attendance_registers_year ON attendance_registers (academic_year);
