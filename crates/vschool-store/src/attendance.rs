//! Attendance registers: one row per (pupil, school, academic year) holding the year's
//! session codes as bytes (docs/decisions/0003-attendance-layout.md). Figures are computed
//! by the domain from the loaded registers, never in SQL.

use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use vschool_domain::{AcademicYear, PupilRegister, Upn, Urn, YearRegister};

use crate::children::parse_upn;
use crate::db::{Store, Tx};
use crate::error::{Context, Result, StoreError};
use crate::settings::urn_of;
use crate::sql::{get, insert_batched, TableKey, Val};

pub(crate) const REGISTERS: TableKey = TableKey {
    table: "attendance_registers",
    what: "attendance registers",
    key: "UPN, URN and academic year",
};

const COLUMNS: &str = "upn, urn, academic_year, sessions";

fn row_of(r: &PupilRegister) -> [Val; 5] {
    [
        r.upn.as_str().into(),
        Val::Int(i64::from(r.urn.get())),
        Val::Int(i64::from(r.register.year.0)),
        Val::Int(i64::try_from(r.register.marks()).unwrap_or(i64::MAX)),
        Val::Blob(r.register.as_bytes().to_vec()),
    ]
}

pub(crate) async fn insert(conn: &mut AnyConnection, registers: &[PupilRegister]) -> Result<u64> {
    insert_batched(
        conn,
        REGISTERS,
        ["upn", "urn", "academic_year", "marks", "sessions"],
        registers,
        row_of,
    )
    .await
}

fn from_row(r: &AnyRow) -> Result<PupilRegister> {
    let upn: String = get(r, "upn")?;
    let year: i64 = get(r, "academic_year")?;
    let year = AcademicYear(i32::try_from(year).map_err(|e| {
        StoreError::corrupt("attendance_registers.academic_year", year.to_string(), e)
    })?);
    let bytes: Vec<u8> = get(r, "sessions")?;
    let register = YearRegister::from_bytes(year, bytes).map_err(|e| {
        StoreError::corrupt("attendance_registers.sessions", format!("{upn} {year}"), e)
    })?;
    Ok(PupilRegister {
        upn: parse_upn("attendance_registers.upn", &upn)?,
        urn: urn_of("attendance_registers.urn", get(r, "urn")?)?,
        register,
    })
}

/// Which registers to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterFilter {
    All,
    Year(AcademicYear),
    School(Urn, AcademicYear),
    Pupil(Upn),
}

pub(crate) async fn load(
    conn: &mut AnyConnection,
    filter: RegisterFilter,
) -> Result<Vec<PupilRegister>> {
    let rows = match filter {
        RegisterFilter::All => {
            sqlx::query(&format!("SELECT {COLUMNS} FROM attendance_registers ORDER BY id"))
                .fetch_all(conn)
                .await
        }
        RegisterFilter::Year(y) => sqlx::query(&format!(
            "SELECT {COLUMNS} FROM attendance_registers WHERE academic_year = $1 ORDER BY id"
        ))
        .bind(i64::from(y.0))
        .fetch_all(conn)
        .await,
        RegisterFilter::School(urn, y) => sqlx::query(&format!(
            "SELECT {COLUMNS} FROM attendance_registers WHERE urn = $1 AND academic_year = $2 ORDER BY upn"
        ))
        .bind(i64::from(urn.get()))
        .bind(i64::from(y.0))
        .fetch_all(conn)
        .await,
        RegisterFilter::Pupil(upn) => sqlx::query(&format!(
            "SELECT {COLUMNS} FROM attendance_registers WHERE upn = $1 ORDER BY academic_year, urn"
        ))
        .bind(upn.as_str())
        .fetch_all(conn)
        .await,
    }
    .ctx("reading attendance registers")?;
    rows.iter().map(from_row).collect()
}

impl Store {
    /// Attendance registers: all of them in the order stored, one year's, one school's year
    /// (by UPN) or one pupil's (by year and school).
    pub async fn registers(&self, filter: RegisterFilter) -> Result<Vec<PupilRegister>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        load(&mut conn, filter).await
    }

    /// The number of session marks held, without reading the registers.
    pub async fn mark_count(&self) -> Result<u64> {
        // SUM of BIGINT is NUMERIC in PostgreSQL, which the Any driver cannot read: cast.
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(marks), 0) AS BIGINT) AS n FROM attendance_registers",
        )
        .fetch_one(&self.pool)
        .await
        .ctx("counting marks")?;
        let n: i64 = get(&row, "n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

impl Tx {
    /// Writes registers, replacing any held for the same pupil, school and year. Callers
    /// that merge a file's marks into what is held overlay them first (the domain's
    /// `YearRegister::overlay`).
    pub async fn put_registers(&mut self, registers: &[PupilRegister]) -> Result<u64> {
        let mut n = 0;
        for r in registers {
            let mut q = sqlx::query(
                "INSERT INTO attendance_registers (upn, urn, academic_year, marks, sessions) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (upn, urn, academic_year) \
                 DO UPDATE SET marks = excluded.marks, sessions = excluded.sessions",
            );
            for v in row_of(r) {
                q = crate::sql::bind_val(q, v);
            }
            n += q
                .execute(self.conn())
                .await
                .ctx("writing attendance registers")?
                .rows_affected();
        }
        Ok(n)
    }

    /// Registers as [`Store::registers`] reads them, inside this transaction.
    pub async fn registers(&mut self, filter: RegisterFilter) -> Result<Vec<PupilRegister>> {
        load(self.conn(), filter).await
    }
}

#[cfg(test)]
mod tests {
    use vschool_domain::AttendanceCode;

    /// Stored registers hold these bytes: renumbering a code would silently change every
    /// register already in a database. New codes take new numbers.
    #[test]
    fn stored_code_bytes_never_change() {
        let expected = [
            "/", "\\", "L", "K", "V", "P", "W", "B", "J", "C1", "M", "J1", "S", "C2", "C", "T",
            "R", "I", "E", "H", "G", "N", "O", "U", "D", "X", "Q", "Y1", "Y2", "Y3", "Y4", "Y5",
            "Y6", "Y7", "Y", "Z", "#",
        ];
        for (i, text) in expected.iter().enumerate() {
            let byte = u8::try_from(i + 1).expect("small");
            assert_eq!(
                AttendanceCode::from_byte(byte).map(|c| c.as_str()),
                Some(*text),
                "byte {byte}"
            );
        }
        assert_eq!(AttendanceCode::from_byte(0), None);
        assert_eq!(AttendanceCode::ALL.len(), expected.len());
    }
}
