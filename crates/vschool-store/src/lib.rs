//! Storage: the one repository API over SQLite (the embedded default) and PostgreSQL.
//!
//! Everything above this crate reads and writes through [`Store`] (and [`Tx`] for changes
//! that must commit together). Every SQL statement is written once, with `$1` placeholders,
//! and runs on both databases through sqlx's `Any` driver; the schema comes from one
//! migration history (`migrations/`, listed in [`migrations::MIGRATIONS`]). Domain rules
//! (cohort status, Ever6, attendance figures) are never re-implemented in SQL: the store
//! loads rows and calls `vschool_domain`.
//!
//! SQL for each area lives in its own module (`settings`, `children`, `pupils`, `records`,
//! `contacts`, `attendance`, `audit`, `imports`, `meta`), each adding methods to [`Store`]
//! and [`Tx`]; new areas follow the same pattern:
//!
//! 1. add a migration in your number range (`migrations/00NN_name.sql`) and append it to
//!    [`migrations::MIGRATIONS`];
//! 2. add a module with `pub(crate) async fn …(conn: &mut AnyConnection, …)` holding the SQL,
//!    bulk writes through `sql::insert_batched`, reads decoded with `sql::get` and the
//!    `parse_*` helpers so a bad stored value becomes [`StoreError::Corrupt`];
//! 3. expose it as `impl Store { pub async fn … }` (reads, single writes) and
//!    `impl Tx { pub async fn … }` (writes that commit with others; call
//!    [`Tx::bump_data_version`] once per changing transaction);
//! 4. add the method to `tests/it/send.rs` and a test in `tests/it/` with `on_both!`.
//!
//! Tests of other crates get throw-away databases from [`testing`] (feature `testing`).

mod accounts;
mod attendance;
mod audit;
mod audit_writer;
mod children;
mod cohort;
mod contacts;
mod dataset;
mod db;
mod error;
mod identity;
pub mod import_apply;
mod imports;
pub mod meta;
mod migrate;
pub mod migrations;
mod outbox;
mod packs;
mod pupils;
mod records;
mod settings;
mod sql;
mod subscriptions;
#[cfg(feature = "testing")]
pub mod testing;
mod web;

pub use accounts::{
    Account, ApiTokenRecord, NewAccount, PasswordLinkRecord, SessionRecord, SessionSummary,
};
pub use attendance::RegisterFilter;
pub use audit::{AuditAction, AuditEvent, AuditObject, Stored};
pub use children::link_source;
pub use contacts::StoredContact;
pub use db::{Backend, Store, Tx};
pub use error::{redact_url, Result, StoreError};
pub use identity::{
    os_user, Actor, ReviewChild, ReviewFilter, ReviewPair, ReviewPupil, ReviewStatus, UpnClaim,
    UpnConflict,
};
pub use import_apply::{
    FileResult, FileSource, ImportFile, ImportKind, ImportProgress, ImportRequest, ImportResult,
    NoProgress,
};
pub use imports::{ImportOutcome, ImportRecord};
pub use outbox::{Attempt, Delivery, DeliveryStatus, NewDelivery, OutboxKind};
pub use packs::{
    HalfTermDates, NewPack, PackRead, PackSummary, StoredPack, StoredTarget, TargetFor,
};
pub use subscriptions::{NewRequest, RequestStatus, Subscriber, SubscriptionRequest};
/// The problem types of import results, from `vschool-import`.
pub use vschool_import::{FileReport, Location, Problem, Severity};
