//! Opening the database from a URL, and transactions.
//!
//! One code path serves both databases through sqlx's `Any` driver; the few things that
//! differ (connection pragmas, how a write transaction starts, migration tokens) are decided
//! here by [`Backend`].

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Once;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Connection, Transaction};

use crate::error::{redact_url, Context, Result, StoreError};

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Recognises the backend from a URL's scheme.
    pub fn of_url(url: &str) -> Result<Backend> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::BadUrl {
                url: redact_url(url),
                reason: "it should start with sqlite:// or postgres://".into(),
            }),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// The storage layer: a connection pool plus the repository methods (one module per area:
/// settings, children, pupils, attendance, audit, imports, meta, …). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// The URL as given, password redacted, for messages.
    pub(crate) url: String,
    /// Commits the audit events of concurrent requests together (see `audit_writer`).
    pub(crate) audit_writer: crate::audit_writer::AuditWriter,
}

/// A write transaction. Repository methods that change data exist on [`Tx`] too, so one
/// import (or the demo) can change several areas and commit once (DESIGN §8: one `vschool
/// import` is one transaction). Dropping a `Tx` without [`Tx::commit`] rolls it back.
pub struct Tx {
    pub(crate) inner: Transaction<'static, Any>,
    pub(crate) backend: Backend,
}

static INSTALL_DRIVERS: Once = Once::new();

impl Store {
    /// Opens the database at `url`, creating a missing SQLite file, and applies pending
    /// migrations. `sqlite://relative.db`, `sqlite:///absolute/path.db` and
    /// `postgres://user@host:5432/name` are understood.
    pub async fn connect(url: &str) -> Result<Store> {
        INSTALL_DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::of_url(url)?;
        let shown = redact_url(url);
        let options: AnyConnectOptions =
            url.parse().map_err(|e: sqlx::Error| StoreError::BadUrl {
                url: shown.clone(),
                reason: e.to_string(),
            })?;
        let pool_options = match backend {
            Backend::Sqlite => {
                let memory = create_sqlite_file(url)?;
                // SQLite has one writer at a time; a few connections let readers run beside it.
                // An in-memory database exists once per connection, so it gets exactly one.
                let max = if memory { 1 } else { 4 };
                AnyPoolOptions::new()
                    .max_connections(max)
                    .min_connections(if memory { 1 } else { 0 })
                    .idle_timeout(if memory {
                        None
                    } else {
                        Some(Duration::from_secs(600))
                    })
                    .max_lifetime(if memory {
                        None
                    } else {
                        Some(Duration::from_secs(1800))
                    })
                    .after_connect(|conn, _meta| sqlite_pragmas(conn))
            }
            Backend::Postgres => AnyPoolOptions::new().max_connections(8),
        };
        // One plain connection first: a pool retries a refused connection until its
        // timeout and then reports only "timed out", where this reports the real cause
        // ("connection refused", "password authentication failed", …) at once.
        let probe = AnyConnection::connect_with(&options)
            .await
            .map_err(|cause| StoreError::Open {
                hint: crate::error::open_hint(url),
                url: shown.clone(),
                cause,
            })?;
        let _ = probe.close().await;
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|cause| StoreError::Open {
                hint: crate::error::open_hint(url),
                url: shown.clone(),
                cause,
            })?;
        let store = Store {
            pool,
            backend,
            url: shown,
            audit_writer: Default::default(),
        };
        crate::migrate::run(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL this store was opened with, password redacted.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a transaction that reads first and writes later could otherwise fail
    /// with "database is locked" without waiting when another writer committed meanwhile.
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
        .ctx("starting a transaction")?;
        Ok(Tx {
            inner,
            backend: self.backend,
        })
    }

    /// Starts a read-only snapshot: several queries see one consistent state of the data
    /// (PostgreSQL's default isolation would let each statement see a newer state).
    pub(crate) async fn begin_read(&self) -> Result<Transaction<'static, Any>> {
        match self.backend {
            Backend::Sqlite => self.pool.begin().await,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await
            }
        }
        .ctx("starting a read")
    }

    /// Closes every connection (waits for those in use to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        self.inner.commit().await.ctx("committing")
    }

    pub async fn rollback(self) -> Result<()> {
        self.inner.rollback().await.ctx("rolling back")
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

/// Per-connection settings: WAL lets readers work while a writer writes; foreign keys are
/// off by default in SQLite; NORMAL synchronous is safe with WAL and much faster than FULL; a busy
/// connection waits up to 30 s for another writer rather than failing at once.
fn sqlite_pragmas<'c>(
    conn: &'c mut AnyConnection,
) -> Pin<Box<dyn Future<Output = std::result::Result<(), sqlx::Error>> + Send + 'c>> {
    const PRAGMAS: &str = concat!(
        "PRAGMA journal_mode = WAL; ",
        "PRAGMA foreign_keys = ON; ",
        "PRAGMA busy_timeout = 30000; ",
        "PRAGMA synchronous = NORMAL;"
    );
    // Boxed with an explicit lifetime: the compiler cannot otherwise prove the pool's
    // after-connect future general over the connection's lifetime.
    Box::pin(async move { sqlx::Executor::execute(conn, PRAGMAS).await.map(|_| ()) })
}

/// The file a `sqlite:` URL names, or `None` for an in-memory database.
pub(crate) fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(PathBuf::from(path))
}

/// Creates a missing SQLite file so that the first command on a fresh machine works
/// (DESIGN §8). Returns whether the URL names an in-memory database.
fn create_sqlite_file(url: &str) -> Result<bool> {
    if url.contains("mode=memory") {
        return Ok(true);
    }
    let Some(path) = sqlite_path(url) else {
        return Ok(true);
    };
    if !path.exists() {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|cause| StoreError::CreateFile {
                path: path.display().to_string(),
                cause,
            })?;
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_files() {
        assert_eq!(
            sqlite_path("sqlite://vschool.db"),
            Some("vschool.db".into())
        );
        assert_eq!(
            sqlite_path("sqlite:///var/lib/vschool/v.db"),
            Some("/var/lib/vschool/v.db".into())
        );
        assert_eq!(
            sqlite_path("sqlite:data/v.db?mode=rwc"),
            Some("data/v.db".into())
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }

    #[tokio::test]
    async fn sqlite_connections_use_wal_foreign_keys_busy_timeout_and_normal_sync() {
        use sqlx::Row;
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("p.db").display());
        let store = Store::connect(&url).await.expect("opens");
        let mut conn = store.pool.acquire().await.expect("a connection");
        for (pragma, expected) in [
            ("journal_mode", "wal"),
            ("foreign_keys", "1"),
            ("busy_timeout", "30000"),
            // 1 is NORMAL.
            ("synchronous", "1"),
        ] {
            let row = sqlx::query(&format!("PRAGMA {pragma}"))
                .fetch_one(&mut *conn)
                .await
                .expect("pragma");
            let value = row
                .try_get::<String, _>(0)
                .or_else(|_| row.try_get::<i64, _>(0).map(|v| v.to_string()))
                .expect("a value");
            assert_eq!(value, expected, "PRAGMA {pragma}");
        }
        drop(conn);
        store.close().await;
    }

    #[test]
    fn backends_from_schemes() {
        assert_eq!(Backend::of_url("sqlite://a.db").ok(), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgresql://u@h/d").ok(),
            Some(Backend::Postgres)
        );
        let err = Backend::of_url("mysql://u:pw@h/d")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|m| m.contains("mysql://u:***@h/d") && !m.contains("pw")));
    }
}
