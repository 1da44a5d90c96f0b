//! The storage integration suite. Every test runs twice, on SQLite (a temporary file) and
//! on PostgreSQL (a fresh database, from `VSCHOOL_TEST_PG`, default
//! `postgres://postgres@127.0.0.1:5432/test`), each on its own new database so tests are
//! isolated and may run in any order. An unreachable PostgreSQL fails the `postgres` half.

/// Declares `name::sqlite` and `name::postgres` tests that run `async fn name(Store)`.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                vschool_store::testing::with_store(vschool_store::Backend::Sqlite, super::$name).await;
            }
            #[tokio::test]
            async fn postgres() {
                vschool_store::testing::with_store(vschool_store::Backend::Postgres, super::$name).await;
            }
        }
    )*};
}

/// Like `on_both!` for tests that connect themselves: `async fn name(String)` gets the URL of
/// an empty database.
macro_rules! on_both_urls {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                vschool_store::testing::with_database_url(vschool_store::Backend::Sqlite, super::$name).await;
            }
            #[tokio::test]
            async fn postgres() {
                vschool_store::testing::with_database_url(vschool_store::Backend::Postgres, super::$name).await;
            }
        }
    )*};
}

mod audit;
mod cohort;
mod connect;
mod dataset;
mod import_round_trip;
mod import_rules;
mod imports;
mod packs;
mod send;
