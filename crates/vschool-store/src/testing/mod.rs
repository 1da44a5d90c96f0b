//! Throw-away databases for tests (feature `testing`): a SQLite file in a temporary folder,
//! or a freshly created PostgreSQL database dropped afterwards, so every test is isolated
//! and order-independent. PostgreSQL comes from `VSCHOOL_TEST_PG` (default
//! `postgres://postgres@127.0.0.1:5432/test`); if it cannot be reached the test fails with
//! a message saying so: CI always has it.
//!
//! ```ignore
//! vschool_store::testing::with_store(Backend::Postgres, |store| async move {
//!     assert!(store.is_empty().await.expect("readable"));
//! })
//! .await;
//! ```

#![allow(clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{AnyConnection, Connection};

use crate::{Backend, Store};

pub mod fixtures;

pub const DEFAULT_TEST_PG: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The PostgreSQL server tests use.
pub fn test_pg_url() -> String {
    std::env::var("VSCHOOL_TEST_PG")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_TEST_PG.to_owned())
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let authority = before_query.split('/').next().unwrap_or(before_query);
    match query {
        Some(q) => format!("{scheme}://{authority}/{name}?{q}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("vschool_test_{}_{}_{}", std::process::id(), n, nanos)
}

enum Cleanup {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// An empty database that exists until [`TempDatabase::remove`].
pub struct TempDatabase {
    url: String,
    cleanup: Cleanup,
}

impl TempDatabase {
    /// Creates an empty database (no tables: connecting a [`Store`] migrates it).
    pub async fn new(backend: Backend) -> TempDatabase {
        sqlx::any::install_default_drivers();
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary folder for a test database");
                let path = dir.path().join("test.db");
                TempDatabase {
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::Sqlite(dir),
                }
            }
            Backend::Postgres => {
                let admin_url = test_pg_url();
                let mut admin = admin_connection(&admin_url).await;
                let name = unique_name();
                sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap_or_else(|e| {
                        panic!(
                            "cannot create a test database on {}: {e}; the user in \
                             VSCHOOL_TEST_PG must be allowed to CREATE DATABASE",
                            crate::redact_url(&admin_url)
                        )
                    });
                let _ = admin.close().await;
                TempDatabase {
                    url: with_database(&admin_url, &name),
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Deletes the database.
    pub async fn remove(self) {
        match self.cleanup {
            Cleanup::Sqlite(dir) => drop(dir),
            Cleanup::Postgres { admin_url, name } => {
                let mut admin = admin_connection(&admin_url).await;
                // FORCE ends connections a failed test may have left open.
                let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await;
                let _ = admin.close().await;
            }
        }
    }
}

async fn admin_connection(admin_url: &str) -> AnyConnection {
    AnyConnection::connect(admin_url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at {}: {e}. The tests run on both databases: start \
             PostgreSQL (e.g. `pg_ctlcluster 15 main start`) or set VSCHOOL_TEST_PG to a \
             server where this user may create databases",
            crate::redact_url(admin_url)
        )
    })
}

/// Runs `test` against a fresh, migrated database of `backend`, then deletes the database,
/// also when the test panics (the panic is then passed on).
pub async fn with_store<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = TempDatabase::new(backend).await;
    let store = match Store::connect(db.url()).await {
        Ok(store) => store,
        Err(e) => {
            db.remove().await;
            panic!("cannot open the test database: {e}");
        }
    };
    let closer = store.clone();
    let outcome = tokio::spawn(test(store)).await;
    closer.close().await;
    db.remove().await;
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("the test was cancelled: {e}");
    }
}

/// Runs `test` with the URL of a fresh, empty database of `backend` (for tests that
/// connect themselves, such as a command-line test), then deletes the database.
pub async fn with_database_url<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = TempDatabase::new(backend).await;
    let outcome = tokio::spawn(test(db.url().to_owned())).await;
    db.remove().await;
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("the test was cancelled: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
