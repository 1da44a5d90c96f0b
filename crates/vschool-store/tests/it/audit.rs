//! The audit trail is append-only and lists oldest first.

use time::macros::datetime;
use vschool_store::testing::fixtures::{child_id, upn, urn};
use vschool_store::{AuditAction, AuditEvent, AuditObject, Store};

fn event(at: time::OffsetDateTime, action: AuditAction) -> AuditEvent {
    AuditEvent {
        at,
        actor: "cli:officer".into(),
        role: "data-officer".into(),
        action,
        object: AuditObject::Child,
        upn: None,
        la_child_id: None,
        urn: None,
        detail: String::new(),
        from: "cli".into(),
    }
}

async fn audit_events_append_and_list(store: Store) {
    assert!(store.audit_events(None).await.expect("reads").is_empty());
    let mut first = event(datetime!(2025-03-14 09:00:00.25 UTC), AuditAction::View);
    first.upn = Some(upn("801200001001"));
    first.la_child_id = Some(child_id("A-0001"));
    first.urn = Some(urn(100001));
    first.detail = "tracker row".into();
    // Recorded out of time order: listing is by time.
    let mut third = event(datetime!(2025-03-14 11:00:00 +01:00), AuditAction::Export);
    third.object = AuditObject::School;
    third.from = "192.0.2.7".into();
    let second = event(
        datetime!(2025-03-14 09:30:00 UTC),
        AuditAction::SignInFailed,
    );
    let id1 = store.record_audit(&first).await.expect("appends");
    let id3 = store.record_audit(&third).await.expect("appends");
    assert!(id3 > id1);
    assert_eq!(
        store
            .record_audit_many(std::slice::from_ref(&second))
            .await
            .expect("appends"),
        1
    );

    let all: Vec<AuditEvent> = store
        .audit_events(None)
        .await
        .expect("reads")
        .into_iter()
        .map(|s| s.item)
        .collect();
    // 11:00 +01:00 is 10:00 UTC: after 09:30.
    assert_eq!(all, vec![first.clone(), second.clone(), third.clone()]);

    let since: Vec<AuditEvent> = store
        .audit_events(Some(datetime!(2025-03-14 09:30:00 UTC)))
        .await
        .expect("reads")
        .into_iter()
        .map(|s| s.item)
        .collect();
    assert_eq!(since, vec![second, third]);

    // The JSON contract of `vschool audit --format json`.
    let json = serde_json::to_string(&first).expect("serialises");
    assert_eq!(
        json,
        r#"{"at":"2025-03-14T09:00:00.250000Z","actor":"cli:officer","role":"data-officer","action":"view","object":"child","upn":"H801200001001","la_child_id":"A-0001","urn":100001,"detail":"tracker row","from":"cli"}"#
    );
    let json = serde_json::to_value(&all[1]).expect("serialises");
    assert_eq!(json["action"], "sign-in-failed");
    assert!(json["urn"].is_null() && json["la_child_id"].is_null());
}

on_both!(audit_events_append_and_list);

/// Many concurrent callers (a busy school page under load): every caller's events are
/// committed, each caller is told how many were its own, and none is lost or doubled.
async fn concurrent_callers_are_all_committed(store: Store) {
    let callers = 40usize;
    let mut handles = Vec::new();
    for caller in 0..callers {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let events: Vec<AuditEvent> = (0..=caller % 7)
                .map(|i| {
                    let mut e = event(datetime!(2025-03-14 09:00:00 UTC), AuditAction::View);
                    e.detail = format!("caller {caller} event {i}");
                    e
                })
                .collect();
            let n = store.record_audit_many(&events).await.expect("appends");
            (events.len() as u64, n)
        }));
    }
    let mut expected = 0u64;
    for h in handles {
        let (sent, told) = h.await.expect("joins");
        assert_eq!(sent, told, "each caller is told its own count");
        expected += sent;
    }
    let all = store.audit_events(None).await.expect("reads");
    assert_eq!(all.len() as u64, expected);
    let mut details: Vec<String> = all.into_iter().map(|s| s.item.detail).collect();
    details.sort();
    details.dedup();
    assert_eq!(details.len() as u64, expected, "no event recorded twice");
    // Nothing to write is answered at once.
    assert_eq!(store.record_audit_many(&[]).await.expect("appends"), 0);
}

on_both!(concurrent_callers_are_all_committed);

/// A page listing children is one action: its events are stored together and read back one
/// per child, in order, with their own subjects; a different action starts a new record.
async fn one_action_many_children_round_trips(store: Store) {
    let at = datetime!(2025-03-14 09:00:00 UTC);
    let mut events = Vec::new();
    for (i, u) in ["801200001001", "801200001002"].iter().enumerate() {
        let mut e = event(at, AuditAction::View);
        e.detail = "listed on the school page".into();
        e.upn = Some(upn(u));
        e.la_child_id = Some(child_id(&format!("A-000{i}")));
        e.urn = Some(urn(100001));
        events.push(e);
    }
    let mut school = event(at, AuditAction::View);
    school.detail = "listed on the school page".into();
    school.object = AuditObject::School;
    school.urn = Some(urn(100001));
    events.push(school);
    let mut other = event(at, AuditAction::Export);
    other.detail = "downloaded".into();
    events.push(other);
    assert_eq!(store.record_audit_many(&events).await.expect("appends"), 4);
    let back = store.audit_events(None).await.expect("reads");
    let items: Vec<AuditEvent> = back.iter().map(|s| s.item.clone()).collect();
    assert_eq!(items, events);
    // The three of the page share one stored record; the export is another.
    assert_eq!(back[0].id, back[1].id);
    assert_eq!(back[1].id, back[2].id);
    assert_ne!(back[2].id, back[3].id);
}

on_both!(one_action_many_children_round_trips);
