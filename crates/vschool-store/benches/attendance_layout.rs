//! Attendance layout benchmark: a large LA's year of session marks (DESIGN §7: ~15 M) stored
//! two ways, and what each costs.
//!
//! * **blob**: one row per (pupil, school, year) holding the year's codes as bytes
//!   (`attendance_registers`, loaded through `Store::replace_with_dataset`);
//! * **rows**: one row per mark, `marks (upn, urn, date, session, code)` with the primary key
//!   a re-import needs to replace marks.
//!
//! For each it reports the database size, the load time (one transaction, batched multi-row
//! INSERTs, same driver) and a full-year aggregation: every pupil's tally at every school
//! (what the trackers and statistics start from), summed, with the totals checked equal.
//!
//! ```text
//! cargo bench -p vschool-store --bench attendance_layout
//! cargo bench -p vschool-store --bench attendance_layout -- --pupils 4000   # a quick run
//! cargo bench -p vschool-store --bench attendance_layout -- --pg            # PostgreSQL too
//! ```
//!
//! `--pg` uses `VSCHOOL_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/test`) to create
//! and drop a scratch database.

#![allow(clippy::expect_used, clippy::print_stdout)]

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use sqlx::{AnyConnection, Connection, Executor, Row};
use time::{Date, Weekday};
use vschool_domain::{
    AcademicYear, AttendanceCode, Dataset, PupilRegister, Session, SessionTally, Upn, Urn,
    YearRegister,
};
use vschool_store::testing::TempDatabase;
use vschool_store::{Backend, RegisterFilter, Store};

const YEAR: AcademicYear = AcademicYear(2024);
const SCHOOLS: u32 = 600;

struct Options {
    pupils: usize,
    pg: bool,
}

fn options() -> Options {
    let mut o = Options {
        pupils: 40_000,
        pg: false,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--pupils" => {
                o.pupils = args
                    .get(i + 1)
                    .and_then(|v| v.parse().ok())
                    .expect("--pupils N");
                i += 1;
            }
            "--pg" => o.pg = true,
            // `cargo bench` passes --bench; ignore what is not ours.
            _ => {}
        }
        i += 1;
    }
    o
}

/// School days of 2024/25: weekdays from 2 September 2024 to 18 July 2025 outside typical
/// English holidays.
fn school_days() -> Vec<Date> {
    let holidays = [
        (d(2024, 10, 28), d(2024, 11, 1)),
        (d(2024, 12, 23), d(2025, 1, 3)),
        (d(2025, 2, 17), d(2025, 2, 21)),
        (d(2025, 4, 7), d(2025, 4, 18)),
        (d(2025, 5, 26), d(2025, 5, 30)),
    ];
    let mut days = Vec::new();
    let mut day = d(2024, 9, 2);
    while day <= d(2025, 7, 18) {
        let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
        let holiday = holidays.iter().any(|&(a, b)| a <= day && day <= b);
        if !weekend && !holiday {
            days.push(day);
        }
        day = day.next_day().expect("a next day");
    }
    days
}

fn d(y: i32, m: u8, day: u8) -> Date {
    Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), day).expect("date")
}

/// A small deterministic generator (xorshift64*): the benchmark needs no randomness crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// A code with roughly national frequencies: mostly present, some illness and others.
fn code(rng: &mut Rng, session: Session) -> AttendanceCode {
    use AttendanceCode as A;
    match rng.next() % 1000 {
        0..=899 => match session {
            Session::Am => A::PresentAm,
            Session::Pm => A::PresentPm,
        },
        900..=939 => A::I,
        940..=954 => A::M,
        955..=969 => A::N,
        970..=979 => A::O,
        980..=984 => A::Late,
        985..=989 => A::C2,
        990..=994 => A::B,
        _ => A::G,
    }
}

fn synthetic_registers(pupils: usize) -> Vec<PupilRegister> {
    let days = school_days();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..pupils)
        .map(|i| {
            let mut register = YearRegister::new(YEAR);
            for &day in &days {
                for s in [Session::Am, Session::Pm] {
                    register
                        .set(day, s, Some(code(&mut rng, s)))
                        .expect("a day of the year");
                }
            }
            PupilRegister {
                upn: Upn::from_body(&format!("{:012}", 100_000 + i)).expect("a UPN"),
                urn: Urn::new(100_000 + (i as u32 % SCHOOLS)).expect("a URN"),
                register,
            }
        })
        .collect()
}

struct Figures {
    size_bytes: u64,
    load: Duration,
    aggregate: Duration,
    totals: SessionTally,
    persistent: usize,
}

fn file_size(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            std::fs::metadata(p).ok().map(|m| m.len())
        })
        .sum()
}

async fn pg_size(url: &str) -> u64 {
    let mut c = AnyConnection::connect(url).await.expect("connect");
    let row = sqlx::query("SELECT CAST(pg_database_size(current_database()) AS BIGINT) AS n")
        .fetch_one(&mut c)
        .await
        .expect("size");
    let n: i64 = row.try_get("n").expect("n");
    u64::try_from(n).unwrap_or(0)
}

/// Sums per-pupil tallies; counts persistent absentees (per pupil and school).
fn fold(tallies: impl Iterator<Item = SessionTally>) -> (SessionTally, usize) {
    let mut totals = SessionTally::default();
    let mut persistent = 0;
    for t in tallies {
        if t.persistent_absence() {
            persistent += 1;
        }
        totals.add(&t);
    }
    (totals, persistent)
}

async fn blob_layout(url: &str, registers: &[PupilRegister]) -> Figures {
    let store = Store::connect(url).await.expect("open");
    let dataset = Dataset {
        registers: registers.to_vec(),
        ..Dataset::default()
    };
    let started = Instant::now();
    store.replace_with_dataset(&dataset).await.expect("load");
    let load = started.elapsed();
    drop(dataset);

    let started = Instant::now();
    let read = store
        .registers(RegisterFilter::Year(YEAR))
        .await
        .expect("read");
    let (totals, persistent) = fold(
        read.iter()
            .map(|r| r.register.tally(YEAR.start(), YEAR.end())),
    );
    let aggregate = started.elapsed();
    store.close().await;
    Figures {
        size_bytes: 0,
        load,
        aggregate,
        totals,
        persistent,
    }
}

async fn raw_connection(url: &str, backend: Backend) -> AnyConnection {
    let url = match backend {
        // Create the file, as the store does.
        Backend::Sqlite => format!("{url}?mode=rwc"),
        Backend::Postgres => url.to_owned(),
    };
    let mut c = AnyConnection::connect(&url).await.expect("connect");
    if backend == Backend::Sqlite {
        // The store's own connection settings.
        c.execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .await
        .expect("pragmas");
    }
    c
}

type MarkRow = (String, i64, String, i64, &'static str);

async fn insert_marks(conn: &mut AnyConnection, sql: &str, batch: &mut Vec<MarkRow>) {
    let mut q = sqlx::query(sql);
    for (upn, urn, date, session, code) in batch.drain(..) {
        q = q.bind(upn).bind(urn).bind(date).bind(session).bind(code);
    }
    q.execute(conn).await.expect("insert");
}

async fn row_layout(url: &str, backend: Backend, registers: &[PupilRegister]) -> Figures {
    let mut c = raw_connection(url, backend).await;
    c.execute(
        "CREATE TABLE marks (upn TEXT NOT NULL, urn BIGINT NOT NULL, date TEXT NOT NULL, \
         session BIGINT NOT NULL, code TEXT NOT NULL, PRIMARY KEY (upn, urn, date, session))",
    )
    .await
    .expect("create");

    const COLS: usize = 5;
    const ROWS: usize = 1_000;
    // Plain `?` on SQLite, as the store does (see `insert_sql` in src/sql.rs: SQLite's
    // lookup of `$n` names is quadratic in their number).
    let positional = backend == Backend::Sqlite;
    let sql = |rows: usize| {
        let mut s = String::from("INSERT INTO marks (upn, urn, date, session, code) VALUES ");
        for r in 0..rows {
            if r > 0 {
                s.push_str(", ");
            }
            let b = r * COLS;
            if positional {
                s.push_str("(?, ?, ?, ?, ?)");
            } else {
                s.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                ));
            }
        }
        s
    };
    let full = sql(ROWS);
    let started = Instant::now();
    let mut tx = c.begin().await.expect("begin");
    let mut batch: Vec<MarkRow> = Vec::with_capacity(ROWS);
    for r in registers {
        let upn = r.upn.to_string();
        let urn = i64::from(r.urn.get());
        for (date, session, code) in r.register.iter_marks() {
            batch.push((
                upn.clone(),
                urn,
                vschool_domain::calendar::iso(date),
                session.offset() as i64,
                code.as_str(),
            ));
            if batch.len() == ROWS {
                insert_marks(&mut tx, &full, &mut batch).await;
            }
        }
    }
    if !batch.is_empty() {
        let tail = sql(batch.len());
        insert_marks(&mut tx, &tail, &mut batch).await;
    }
    tx.commit().await.expect("commit");
    let load = started.elapsed();

    let started = Instant::now();
    let rows = sqlx::query(
        "SELECT upn, urn, code, COUNT(*) AS n FROM marks WHERE date BETWEEN $1 AND $2 \
         GROUP BY upn, urn, code",
    )
    .bind(vschool_domain::calendar::iso(YEAR.start()))
    .bind(vschool_domain::calendar::iso(YEAR.end()))
    .fetch_all(&mut c)
    .await
    .expect("aggregate");
    let mut per_pupil: HashMap<(String, i64), SessionTally> = HashMap::new();
    for row in &rows {
        let upn: String = row.try_get("upn").expect("upn");
        let urn: i64 = row.try_get("urn").expect("urn");
        let code: String = row.try_get("code").expect("code");
        let n: i64 = row.try_get("n").expect("n");
        let code = AttendanceCode::parse_any(&code).expect("a code");
        let tally = per_pupil.entry((upn, urn)).or_default();
        for _ in 0..n {
            tally.add_code(code);
        }
    }
    let (totals, persistent) = fold(per_pupil.into_values());
    let aggregate = started.elapsed();
    c.close().await.expect("close");
    Figures {
        size_bytes: 0,
        load,
        aggregate,
        totals,
        persistent,
    }
}

fn report(backend: &str, layout: &str, marks: usize, f: &Figures) {
    println!(
        "| {backend} | {layout} | {:.1} MB | {:.1} s | {:.0} k marks/s | {:.2} s | {} |",
        f.size_bytes as f64 / 1e6,
        f.load.as_secs_f64(),
        marks as f64 / f.load.as_secs_f64() / 1e3,
        f.aggregate.as_secs_f64(),
        f.persistent,
    );
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

async fn run_on(backend: Backend, registers: &[PupilRegister], marks: usize) -> [Figures; 2] {
    let name = backend.name();
    let blob_db = TempDatabase::new(backend).await;
    let mut blob = blob_layout(blob_db.url(), registers).await;
    blob.size_bytes = match backend {
        Backend::Sqlite => file_size(Path::new(blob_db.url().trim_start_matches("sqlite://"))),
        Backend::Postgres => pg_size(blob_db.url()).await,
    };
    report(name, "blob per pupil-year", marks, &blob);
    blob_db.remove().await;

    let rows_db = TempDatabase::new(backend).await;
    let mut rows = row_layout(rows_db.url(), backend, registers).await;
    rows.size_bytes = match backend {
        Backend::Sqlite => file_size(Path::new(rows_db.url().trim_start_matches("sqlite://"))),
        Backend::Postgres => pg_size(rows_db.url()).await,
    };
    report(name, "row per mark", marks, &rows);
    rows_db.remove().await;
    assert_eq!(
        blob.totals, rows.totals,
        "both layouts must give the same figures"
    );
    assert_eq!(blob.persistent, rows.persistent);
    [blob, rows]
}

/// A whole large LA around the registers: 600 settings, 60,000 children with plans and
/// episodes, a pupil and an enrolment per register.
fn large_la(registers: Vec<PupilRegister>) -> Dataset {
    use vschool_domain::{
        CareEpisode, Child, EnrolStatus, Enrolment, LaChildId, NcYear, Phase, Plan, PlanKind,
        Pupil, Setting, Sex, SocialCareHistory, Span,
    };
    let settings = (0..SCHOOLS)
        .map(|i| Setting {
            urn: Urn::new(100_000 + i).expect("a URN"),
            name: format!("School {i}"),
            type_name: "Community school".into(),
            phase: Phase::Primary,
            status: "Open".into(),
            la_code: 999,
            la_name: "Benchshire".into(),
            postcode: "BE1 1AA".into(),
        })
        .collect();
    let mut rng = Rng(42);
    let children = (0..60_000u32)
        .map(|i| {
            let start = d(2019, 1, 1) + time::Duration::days((rng.next() % 2000) as i64);
            let end = start + time::Duration::days(30 + (rng.next() % 400) as i64);
            let open = rng.next().is_multiple_of(4);
            let mut plans = vec![
                Plan {
                    kind: PlanKind::Cin,
                    span: Span::new(start, Some(end)),
                },
                Plan {
                    kind: PlanKind::Cp,
                    span: Span::new(
                        end,
                        if open {
                            None
                        } else {
                            Some(end + time::Duration::days(200))
                        },
                    ),
                },
            ];
            if i.is_multiple_of(3) {
                plans.push(Plan {
                    kind: PlanKind::Cin,
                    span: Span::new(end + time::Duration::days(300), None),
                });
            }
            let episodes = if i.is_multiple_of(5) {
                vec![CareEpisode {
                    span: Span::new(start, Some(end)),
                    legal_status: "C2".into(),
                    placement: "U1".into(),
                    reason_ceased: Some("E13".into()),
                }]
            } else {
                vec![]
            };
            Child {
                la_child_id: LaChildId::parse(&format!("C{i}")).expect("an id"),
                upn: (i < 40_000)
                    .then(|| Upn::from_body(&format!("{:012}", 100_000 + i)).expect("a UPN")),
                upn_unknown: None,
                former_upn: None,
                birth_date: Some(d(2008, 1, 1) + time::Duration::days((rng.next() % 6000) as i64)),
                sex: Some(Sex::Female),
                ethnicity: Some("WBRI".into()),
                history: SocialCareHistory { plans, episodes },
            }
        })
        .collect();
    let pupils = registers
        .iter()
        .map(|r| Pupil {
            upn: r.upn,
            surname: "Surname".into(),
            forename: "Forename".into(),
            birth_date: d(2012, 5, 1),
            sex: Sex::Female,
        })
        .collect();
    let enrolments = registers
        .iter()
        .map(|r| Enrolment {
            upn: r.upn,
            urn: r.urn,
            entry: d(2019, 9, 4),
            leaving: None,
            status: EnrolStatus::Single,
            nc_year: NcYear::Year(6),
        })
        .collect();
    Dataset {
        la_code: 999,
        la_name: "Benchshire".into(),
        settings,
        children,
        pupils,
        enrolments,
        registers,
        ..Dataset::default()
    }
}

async fn whole_la(backend: Backend, dataset: &Dataset) {
    let db = TempDatabase::new(backend).await;
    let store = Store::connect(db.url()).await.expect("open");
    let started = Instant::now();
    store.replace_with_dataset(dataset).await.expect("load");
    let load = started.elapsed();
    let started = Instant::now();
    let back = store.load_dataset().await.expect("read");
    let read = started.elapsed();
    assert_eq!(back.children.len(), dataset.children.len());
    let started = Instant::now();
    let counts = store.cohort_counts(d(2025, 3, 14)).await.expect("counts");
    let cohort = started.elapsed();
    store.close().await;
    db.remove().await;
    println!(
        "| {} | {:.1} s | {:.1} s | {:.2} s (CLA {}, CP {}, CIN {}, Ever6 {}) |",
        backend.name(),
        load.as_secs_f64(),
        read.as_secs_f64(),
        cohort.as_secs_f64(),
        counts.cla,
        counts.cp,
        counts.cin,
        counts.ever6
    );
}

#[tokio::main]
async fn main() {
    let o = options();
    let started = Instant::now();
    let registers = synthetic_registers(o.pupils);
    let marks: usize = registers.iter().map(|r| r.register.marks()).sum();
    println!(
        "{} pupil-years at {SCHOOLS} schools, {marks} marks ({:.1} M), {YEAR}; generated in {:.1} s",
        registers.len(),
        marks as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    println!();
    println!("| database | layout | size | load | load rate | full-year aggregation | persistent absentees |");
    println!("|---|---|---|---|---|---|---|");
    let [blob, _] = run_on(Backend::Sqlite, &registers, marks).await;
    if o.pg {
        run_on(Backend::Postgres, &registers, marks).await;
    }
    println!();
    let t = blob.totals;
    let dataset = large_la(registers);
    let plans: usize = dataset.children.iter().map(|c| c.history.plans.len()).sum();
    let episodes: usize = dataset
        .children
        .iter()
        .map(|c| c.history.episodes.len())
        .sum();
    println!(
        "Whole LA: {} settings, {} children ({plans} plans, {episodes} episodes), {} pupils, \
         {} enrolments, {} registers.",
        dataset.settings.len(),
        dataset.children.len(),
        dataset.pupils.len(),
        dataset.enrolments.len(),
        dataset.registers.len()
    );
    println!();
    println!("| database | replace_with_dataset | load_dataset | cohort_counts |");
    println!("|---|---|---|---|");
    whole_la(Backend::Sqlite, &dataset).await;
    if o.pg {
        whole_la(Backend::Postgres, &dataset).await;
    }
    println!();
    println!(
        "Totals (equal in every layout): attended {}, authorised {}, unauthorised {}, possible {}.",
        t.attended,
        t.authorised,
        t.unauthorised,
        t.possible()
    );
    if let Some(mb) = peak_rss_mb() {
        println!("Peak memory of the whole run (VmHWM): {mb:.0} MB");
    }
}
