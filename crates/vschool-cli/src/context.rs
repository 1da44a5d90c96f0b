//! What every command needs: a runtime, the store named by `--db`, dates from flags, the
//! LA snapshot, and an audit trail for CLI reads of child-level data.

use anyhow::Context as _;
use time::{Date, OffsetDateTime};

use vschool_analytics::LaSnapshot;
use vschool_domain::{Clock, SystemClock};
use vschool_store::{AuditAction, AuditEvent, AuditObject, Store};

use crate::Cli;

/// A runtime for one command.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")
}

/// Opens the database named by `--db` / `VSCHOOL_DB`, creating a missing SQLite file and
/// applying pending migrations.
pub async fn open_store(cli: &Cli) -> anyhow::Result<Store> {
    Ok(Store::connect(&cli.db).await?)
}

/// A date flag (`--at 2025-03-14`), or today when it is absent.
pub fn date_or_today(flag: &str, value: Option<&str>) -> anyhow::Result<Date> {
    match value {
        None => Ok(SystemClock.today()),
        Some(v) => parse_date(flag, v),
    }
}

pub fn parse_date(flag: &str, value: &str) -> anyhow::Result<Date> {
    vschool_domain::calendar::parse_iso_date(value)
        .with_context(|| format!("{flag} must be a date written like 2025-03-14, not {value:?}"))
}

/// Loads and indexes the whole LA.
pub async fn load_snapshot(store: &Store) -> anyhow::Result<LaSnapshot> {
    Ok(LaSnapshot::new(store.load_dataset().await?))
}

/// The actor the audit records for a command run by a person at a terminal.
pub fn cli_actor() -> String {
    vschool_store::Actor::at_terminal().actor
}

/// An audit event for a CLI action on child-level data.
pub fn audit_event(
    action: AuditAction,
    object: AuditObject,
    detail: impl Into<String>,
) -> AuditEvent {
    AuditEvent {
        at: OffsetDateTime::now_utc(),
        actor: cli_actor(),
        role: "cli".into(),
        action,
        object,
        upn: None,
        la_child_id: None,
        urn: None,
        detail: detail.into(),
        from: "cli".into(),
    }
}

/// Writes a command's output to standard output. A closed pipe (`vschool … | head`) ends the
/// output quietly instead of failing, as other command-line tools do.
pub fn print_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
