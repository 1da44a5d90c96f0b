//! Every store future must be `Send + 'static` when its arguments are owned: the web server
//! and `tokio::spawn` need it, and a rustc limitation (closures or generic executors held
//! across an `.await`) can silently break it. This module only has to compile.

use vschool_domain::{Dataset, LaChildId, Setting};
use vschool_store::{AuditEvent, ImportRecord, RegisterFilter, Store};

fn spawnable<F: std::future::Future + Send + 'static>(_f: F) {}

#[allow(dead_code)]
fn every_method_is_spawnable(
    store: Store,
    d: Dataset,
    id: LaChildId,
    ev: AuditEvent,
    rec: ImportRecord,
    settings: Vec<Setting>,
) {
    spawnable(async move {
        let _ = Store::connect("sqlite://x.db").await;
    });
    let s = store.clone();
    spawnable(async move {
        let _ = s.is_empty().await;
        let _ = s.replace_with_dataset(&d).await;
        let _ = s.load_dataset().await;
        let _ = s.linked_upn(&id).await;
        let _ = s.cohort_counts(time::Date::MIN).await;
        let _ = s.children().await;
        let _ = s.allocations().await;
        let _ = s.settings().await;
        let _ = s.pupils().await;
        let _ = s.contacts().await;
        let _ = s.exclusions().await;
        let _ = s.attainment().await;
        let _ = s.registers(RegisterFilter::All).await;
        let _ = s.mark_count().await;
        let _ = s.meta_get("k").await;
        let _ = s.meta_set("k", "v").await;
        let _ = s.data_version().await;
        let _ = s.record_audit(&ev).await;
        let _ = s.record_audit_many(std::slice::from_ref(&ev)).await;
        let _ = s.audit_events(None).await;
        let _ = s.record_import(&rec).await;
        let _ = s.imports().await;
        let _ = s.import_of_file("x").await;
        let _ = s.latest_extract("roll").await;
        let _ = s.applied_migrations().await;
    });
    let s = store.clone();
    spawnable(async move {
        // Packs and notifications (migration 0030).
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let _ = s.half_term_dates(None).await;
        let _ = s.set_half_term_dates(&[]).await;
        let _ = s.subscribers(None).await;
        let _ = s.subscription_requests(None).await;
        let _ = s.subscription_request_decide(1, true, "x", now).await;
        let _ = s.unsubscribe_by_token("x", now).await;
        let _ = s.outbox_due(now, 1).await;
        let _ = s.outbox_claim(1, now, now).await;
        let _ = s
            .packs_of(vschool_domain::Urn::new(100001).expect("urn"))
            .await;
        let _ = s.targets(None, vschool_domain::AcademicYear(2024)).await;
    });
    let s = store.clone();
    spawnable(async move {
        // Imports and the identity review queue (migrations 0020–0022).
        let who = vschool_store::Actor::cli("x");
        let req = vschool_store::ImportRequest::new(
            vschool_store::ImportKind::Roll,
            vec![vschool_store::ImportFile::bytes("roll.csv", Vec::new())],
            who.clone(),
            time::Date::MIN,
        );
        let _ = s
            .import(req, std::sync::Arc::new(vschool_store::NoProgress))
            .await;
        let _ = s.import_problems(1).await;
        let _ = s.review_pairs(vschool_store::ReviewFilter::Pending).await;
        let _ = s.review_pair(1).await;
        let _ = s.pending_review_count().await;
        let _ = s.accept_review_pair(1, &who).await;
        let _ = s.reject_review_pair(1, &who).await;
        let _ = s.upn_conflicts().await;
    });
    spawnable(async move {
        if let Ok(mut t) = store.begin().await {
            let _ = t.upsert_settings(&settings).await;
            let _ = t.put_registers(&[]).await;
            let _ = t.registers(RegisterFilter::All).await;
            let _ = t.resolve_links().await;
            let _ = t.meta_set("a", "b").await;
            let _ = t.bump_data_version().await;
            let _ = t.replace_with_dataset(&Dataset::default()).await;
            let _ = t.commit().await;
        }
    });
}

#[test]
fn store_futures_are_send() {
    // Compiling `every_method_is_spawnable` is the test.
}
