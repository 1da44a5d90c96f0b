//! Connecting and migrating.

use vschool_store::migrations::MIGRATIONS;
use vschool_store::{meta, Store, StoreError};

async fn migrations_apply_once_and_again_idempotently(url: String) {
    let all: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
    let store = Store::connect(&url).await.expect("first connect migrates");
    assert_eq!(store.applied_migrations().await.expect("readable"), all);
    store.meta_set("probe", "kept").await.expect("writable");
    store.close().await;

    // Connecting again applies nothing and keeps the data.
    let store = Store::connect(&url).await.expect("second connect");
    assert_eq!(store.applied_migrations().await.expect("readable"), all);
    assert_eq!(
        store.meta_get("probe").await.expect("readable").as_deref(),
        Some("kept")
    );
    assert!(store.is_empty().await.expect("readable"));
    assert_eq!(store.data_version().await.expect("readable"), 0);
    store.close().await;
}

async fn a_database_from_a_newer_build_is_refused(url: String) {
    let store = Store::connect(&url).await.expect("connect");
    sqlx::query(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 'x')",
    )
    .execute(&test_pool(&url).await)
    .await
    .expect("insert a future migration");
    store.close().await;
    let err = Store::connect(&url).await.expect_err("a newer database");
    assert!(
        matches!(err, StoreError::NewerDatabase { version: 9999, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("newer vschool"), "{err}");
}

async fn test_pool(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(url).await.expect("a raw pool")
}

async fn meta_values_are_kept(store: Store) {
    assert_eq!(
        store.meta_get(meta::BUILT_BY).await.expect("readable"),
        None
    );
    store
        .meta_set(meta::BUILT_BY, "demo")
        .await
        .expect("writable");
    store
        .meta_set(meta::BUILT_BY, "import")
        .await
        .expect("overwrite");
    assert_eq!(
        store
            .meta_get(meta::BUILT_BY)
            .await
            .expect("readable")
            .as_deref(),
        Some("import")
    );
    let mut tx = store.begin().await.expect("tx");
    tx.bump_data_version().await.expect("bump");
    tx.bump_data_version().await.expect("bump");
    tx.commit().await.expect("commit");
    assert_eq!(store.data_version().await.expect("readable"), 2);
    // A rolled-back change leaves no trace.
    let mut tx = store.begin().await.expect("tx");
    tx.meta_set(meta::BUILT_BY, "nobody").await.expect("write");
    tx.bump_data_version().await.expect("bump");
    tx.rollback().await.expect("rollback");
    assert_eq!(store.data_version().await.expect("readable"), 2);
    assert_eq!(
        store
            .meta_get(meta::BUILT_BY)
            .await
            .expect("readable")
            .as_deref(),
        Some("import")
    );
}

on_both_urls!(
    migrations_apply_once_and_again_idempotently,
    a_database_from_a_newer_build_is_refused
);
on_both!(meta_values_are_kept);

#[tokio::test]
async fn sqlite_urls_relative_and_absolute_work_and_create_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Absolute: three slashes.
    let abs = dir.path().join("abs.db");
    let url = format!("sqlite://{}", abs.display());
    assert!(url.starts_with("sqlite:///"));
    let store = Store::connect(&url).await.expect("absolute URL");
    assert!(store.is_empty().await.expect("readable"));
    store.close().await;
    assert!(abs.exists());

    // Relative to the working directory: run in a child process so the test does not
    // change this process's directory under other tests.
    let rel = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "connect::relative_url_child",
            "--ignored",
            "--nocapture",
        ])
        .env("VSCHOOL_REL_DIR", dir.path())
        .output()
        .expect("run the child test");
    assert!(
        rel.status.success(),
        "{}{}",
        String::from_utf8_lossy(&rel.stdout),
        String::from_utf8_lossy(&rel.stderr)
    );
    assert!(dir.path().join("rel.db").exists());
}

/// Run by the test above in a child process, in the folder it names.
#[tokio::test]
#[ignore = "run by sqlite_urls_relative_and_absolute_work_and_create_the_file"]
async fn relative_url_child() {
    let Ok(dir) = std::env::var("VSCHOOL_REL_DIR") else {
        return;
    };
    std::env::set_current_dir(dir).expect("cd");
    let store = Store::connect("sqlite://rel.db")
        .await
        .expect("relative URL");
    assert!(store.is_empty().await.expect("readable"));
    store.close().await;
}

#[tokio::test]
async fn a_missing_folder_gives_an_actionable_message() {
    let err = Store::connect("sqlite:///no/such/folder/v.db")
        .await
        .expect_err("cannot create");
    let msg = err.to_string();
    assert!(
        msg.contains("/no/such/folder/v.db") && msg.contains("--db"),
        "{msg}"
    );
}

#[tokio::test]
async fn an_unknown_scheme_is_explained_without_the_password() {
    let err = Store::connect("mysql://me:secret@localhost/x")
        .await
        .expect_err("not supported");
    let msg = err.to_string();
    assert!(
        msg.contains("sqlite://") && !msg.contains("secret"),
        "{msg}"
    );
}
