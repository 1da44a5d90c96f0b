//! Packs and notifications storage (migration 0030) on both databases: half-term dates,
//! requests and subscribers, unsubscribe links surviving a re-import of contacts, pack
//! versions, the outbox's claim and retry states, aspirational targets.

use std::sync::Arc;

use time::macros::{date, datetime};
use vschool_domain::calendar::AcademicYear;
use vschool_domain::pupil::{Contact, ContactRole};
use vschool_domain::{Dataset, Percent, Phase, Setting, Urn};
use vschool_store::testing::fixtures::{upn, urn};
use vschool_store::{
    Attempt, DeliveryStatus, HalfTermDates, ImportFile, ImportKind, ImportRequest, NewDelivery,
    NewPack, NewRequest, NoProgress, OutboxKind, RequestStatus, Store, TargetFor,
};

const NOW: time::OffsetDateTime = datetime!(2025-04-04 17:00 UTC);

fn school(n: u32, name: &str) -> Setting {
    Setting {
        urn: urn(n),
        name: name.into(),
        type_name: "Community school".into(),
        phase: Phase::Primary,
        status: "Open".into(),
        la_code: 999,
        la_name: "Northshire".into(),
        postcode: "NS1 1AA".into(),
    }
}

fn contact(n: u32, role: ContactRole, name: &str, email: &str) -> Contact {
    Contact {
        urn: urn(n),
        role,
        name: name.into(),
        email: email.into(),
    }
}

async fn two_schools(store: &Store) {
    store
        .replace_with_dataset(&Dataset {
            la_code: 999,
            la_name: "Northshire".into(),
            settings: vec![school(100001, "Oakfield"), school(100002, "Riverside")],
            contacts: vec![
                contact(
                    100001,
                    ContactRole::Dsl,
                    "Sam Leigh",
                    "Sam.Leigh@oakfield.example",
                ),
                contact(
                    100001,
                    ContactRole::Head,
                    "Hana Head",
                    "head@oakfield.example",
                ),
                contact(
                    100002,
                    ContactRole::Dt,
                    "Dev Teacher",
                    "dt@riverside.example",
                ),
            ],
            ..Dataset::default()
        })
        .await
        .expect("loads");
}

async fn half_term_dates_are_set_read_and_cleared(store: Store) {
    assert!(store.half_term_dates(None).await.expect("read").is_empty());
    let set = |number, start, end| HalfTermDates {
        year: AcademicYear(2024),
        number,
        start,
        end,
        set_at: NOW,
        set_by: "cli:test".into(),
    };
    store
        .set_half_term_dates(&[
            set(3, date!(2025 - 01 - 06), date!(2025 - 02 - 14)),
            set(4, date!(2025 - 02 - 24), date!(2025 - 04 - 04)),
        ])
        .await
        .expect("set");
    // Setting again replaces.
    store
        .set_half_term_dates(&[set(3, date!(2025 - 01 - 07), date!(2025 - 02 - 13))])
        .await
        .expect("set again");
    let got = store
        .half_term_dates(Some(AcademicYear(2024)))
        .await
        .expect("read");
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0].number, got[0].start, got[0].end),
        (3, date!(2025 - 01 - 07), date!(2025 - 02 - 13))
    );
    assert_eq!(got[1].number, 4);
    assert!(store
        .half_term_dates(Some(AcademicYear(2023)))
        .await
        .expect("read")
        .is_empty());
    assert_eq!(
        store
            .clear_half_term_dates(AcademicYear(2024))
            .await
            .expect("clear"),
        2
    );
    assert!(store.half_term_dates(None).await.expect("read").is_empty());
}

async fn subscribers_requests_and_unsubscribing(store: Store) {
    two_schools(&store).await;
    // Imported DSLs are subscribed; a head or designated teacher is not until approved.
    let subs = store.subscribers(None).await.expect("read");
    assert_eq!(
        subs.iter()
            .map(|s| (s.urn.get(), s.email.as_str()))
            .collect::<Vec<_>>(),
        vec![(100001, "sam.leigh@oakfield.example")]
    );

    let id = store
        .subscription_request_create(
            &NewRequest {
                urn: urn(100002),
                name: "Dev Teacher".into(),
                role: ContactRole::Dt,
                email: " DT@Riverside.example ".into(),
                origin: "192.0.2.1".into(),
            },
            NOW,
        )
        .await
        .expect("request");
    assert_eq!(
        store
            .subscription_requests_since("192.0.2.1", "dt@riverside.example", NOW)
            .await
            .expect("count"),
        (1, 1)
    );
    let pending = store
        .subscription_requests(Some(RequestStatus::Pending))
        .await
        .expect("read");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].email, "dt@riverside.example");
    let version = store.data_version().await.expect("version");
    let decided = store
        .subscription_request_decide(id, true, "vsh@northshire.example", NOW)
        .await
        .expect("decide")
        .expect("was pending");
    assert_eq!(decided.status, RequestStatus::Approved);
    assert!(store.data_version().await.expect("version") > version);
    // Deciding twice does nothing.
    assert!(store
        .subscription_request_decide(id, false, "x", NOW)
        .await
        .expect("decide")
        .is_none());
    let subs = store.subscribers(Some(urn(100002))).await.expect("read");
    assert_eq!(subs.len(), 1);
    assert_eq!(
        (subs[0].name.as_str(), subs[0].role),
        ("Dev Teacher", ContactRole::Dt)
    );

    // An unsubscribe link unsubscribes without anything else.
    store
        .unsubscribe_token_create("hash-1", urn(100001), "sam.leigh@oakfield.example", NOW)
        .await
        .expect("token");
    assert_eq!(
        store
            .unsubscribe_by_token("hash-1", NOW)
            .await
            .expect("use"),
        Some((urn(100001), "sam.leigh@oakfield.example".to_owned()))
    );
    assert_eq!(
        store.unsubscribe_by_token("nope", NOW).await.expect("use"),
        None
    );
    assert!(store
        .subscribers(Some(urn(100001)))
        .await
        .expect("read")
        .is_empty());

    // Re-importing the contacts file (which lists Sam again) keeps Sam unsubscribed.
    let csv = "URN,Role,Name,Email\n100001,DSL,Sam Leigh,Sam.Leigh@oakfield.example\n\
               100001,DSL,Dee Puty,deputy@oakfield.example\n";
    let request = ImportRequest::new(
        ImportKind::Contacts,
        vec![ImportFile::bytes("contacts.csv", csv.as_bytes().to_vec())],
        vschool_store::Actor::cli("test"),
        date!(2025 - 04 - 04),
    );
    store
        .import(request, Arc::new(NoProgress))
        .await
        .expect("imports");
    let subs = store.subscribers(Some(urn(100001))).await.expect("read");
    assert_eq!(
        subs.iter().map(|s| s.email.as_str()).collect::<Vec<_>>(),
        vec!["deputy@oakfield.example"]
    );
    // The Virtual School may subscribe Sam again by hand.
    store
        .subscribe_contact(
            urn(100001),
            "Sam Leigh",
            ContactRole::Dsl,
            "sam.leigh@oakfield.example",
            "vsh",
            NOW,
        )
        .await
        .expect("subscribe");
    assert_eq!(
        store
            .subscribers(Some(urn(100001)))
            .await
            .expect("read")
            .len(),
        2
    );
    assert!(store
        .unsubscribe_contact(urn(100001), "SAM.LEIGH@oakfield.example")
        .await
        .expect("unsubscribe"));
    assert!(!store
        .unsubscribe_contact(urn(100001), "sam.leigh@oakfield.example")
        .await
        .expect("again"));
}

async fn packs_are_versioned(store: Store) {
    let oak = urn(100001);
    let new = |half_term: &str, as_at, content: &str| NewPack {
        urn: oak,
        half_term: half_term.into(),
        as_at,
        default_dates: true,
        built_at: NOW,
        pupils: 2,
        content: content.into(),
    };
    let p1 = store
        .pack_insert(&new("2024/25-3", date!(2025 - 02 - 14), "{\"a\":1}"))
        .await
        .expect("insert");
    assert_eq!(p1.version, 1);
    let p2 = store
        .pack_insert(&new("2024/25-3", date!(2025 - 02 - 14), "{\"a\":2}"))
        .await
        .expect("insert");
    assert_eq!(p2.version, 2);
    let p4 = store
        .pack_insert(&new("2024/25-4", date!(2025 - 04 - 04), "{}"))
        .await
        .expect("insert");
    assert_eq!(p4.version, 1);
    assert_eq!(
        store.pack_latest(oak, "2024/25-3").await.expect("read"),
        Some(p2.clone())
    );
    assert_eq!(
        store
            .pack_before(oak, date!(2025 - 04 - 04))
            .await
            .expect("read"),
        Some(p2.clone())
    );
    assert_eq!(
        store
            .pack_before(oak, date!(2025 - 02 - 14))
            .await
            .expect("read"),
        None
    );
    let listed = store.packs_of(oak).await.expect("read");
    assert_eq!(
        listed.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![p4.id, p2.id]
    );
    assert_eq!(
        store
            .pack_versions(oak, "2024/25-3")
            .await
            .expect("read")
            .len(),
        2
    );
    assert_eq!(
        store
            .pack_by_id(p1.id)
            .await
            .expect("read")
            .map(|p| p.content),
        Some("{\"a\":1}".into())
    );
    assert!(store.packs_of(urn(100002)).await.expect("read").is_empty());
}

async fn the_outbox_claims_retries_and_logs(store: Store) {
    let new = NewDelivery {
        kind: OutboxKind::Pack,
        urn: urn(100001),
        half_term: Some("2024/25-3".into()),
        pack_id: Some(7),
        user_id: None,
        email: "Sam.Leigh@oakfield.example".into(),
        name: "Sam Leigh".into(),
    };
    let id = store.outbox_add(&new, NOW).await.expect("queue");
    let due = store.outbox_due(NOW, 10).await.expect("due");
    assert_eq!(due.len(), 1);
    let d = due[0].clone();
    assert_eq!(
        (d.email.as_str(), d.status, d.attempts),
        ("sam.leigh@oakfield.example", DeliveryStatus::Queued, 0)
    );
    // One claimant wins; the row is not due again until the claim runs out.
    let lease = NOW + time::Duration::minutes(5);
    assert!(store.outbox_claim(id, NOW, lease).await.expect("claim"));
    assert!(!store
        .outbox_claim(id, NOW, lease)
        .await
        .expect("claim again"));
    assert!(store.outbox_due(NOW, 10).await.expect("due").is_empty());
    let retry_at = NOW + time::Duration::minutes(2);
    store
        .outbox_record(
            &d,
            &Attempt::Retry {
                at: retry_at,
                error: "connection refused".into(),
            },
            NOW,
        )
        .await
        .expect("record");
    assert!(store.outbox_due(NOW, 10).await.expect("due").is_empty());
    let due = store.outbox_due(retry_at, 10).await.expect("due");
    assert_eq!((due.len(), due[0].attempts), (1, 1));
    assert_eq!(due[0].last_error.as_deref(), Some("connection refused"));
    store
        .outbox_record(&due[0], &Attempt::Sent, retry_at)
        .await
        .expect("record");
    let sent = store.outbox_get(id).await.expect("read").expect("exists");
    assert_eq!(
        (sent.status, sent.attempts, sent.sent_at),
        (DeliveryStatus::Sent, 2, Some(retry_at))
    );
    // A sent email is never queued again by requeue.
    assert!(!store.outbox_requeue(id, None, NOW).await.expect("requeue"));
    let log = store.mail_log(id).await.expect("log");
    assert_eq!(
        log.iter().map(|(_, o, _)| o.as_str()).collect::<Vec<_>>(),
        vec!["retry", "sent"]
    );

    let id2 = store.outbox_add(&new, NOW).await.expect("queue");
    let d2 = store.outbox_get(id2).await.expect("read").expect("exists");
    store
        .outbox_record(
            &d2,
            &Attempt::Failed {
                error: "550 no such user".into(),
            },
            NOW,
        )
        .await
        .expect("record");
    assert!(store
        .outbox_requeue(id2, Some(8), NOW)
        .await
        .expect("requeue"));
    let again = store.outbox_get(id2).await.expect("read").expect("exists");
    assert_eq!(
        (again.status, again.pack_id),
        (DeliveryStatus::Queued, Some(8))
    );
    assert_eq!(
        store
            .outbox_for_half_term("2024/25-3")
            .await
            .expect("read")
            .len(),
        2
    );
    assert_eq!(
        store
            .outbox_for_school(OutboxKind::Pack, urn(100001))
            .await
            .expect("read")
            .len(),
        2
    );
    assert!(store
        .outbox_for_half_term("2024/25-4")
        .await
        .expect("read")
        .is_empty());
}

async fn targets_per_pupil_and_group(store: Store) {
    let oak = urn(100001);
    let year = AcademicYear(2024);
    let amy = TargetFor::Pupil(upn("999000000001"));
    let cla = TargetFor::Group("CLA".into());
    let n = store
        .targets_set(
            oak,
            year,
            &[
                (amy.clone(), Some(Percent(950))),
                (cla.clone(), Some(Percent(900))),
            ],
            "dsl",
            NOW,
        )
        .await
        .expect("set");
    assert_eq!(n, 2);
    // Setting the same value again changes nothing; a new value changes one.
    assert_eq!(
        store
            .targets_set(oak, year, &[(amy.clone(), Some(Percent(950)))], "dsl", NOW)
            .await
            .expect("set"),
        0
    );
    assert_eq!(
        store
            .targets_set(oak, year, &[(amy.clone(), Some(Percent(965)))], "dsl", NOW)
            .await
            .expect("set"),
        1
    );
    let got = store.targets(Some(oak), year).await.expect("read");
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0].target_for.clone(), got[0].target),
        (amy.clone(), Percent(965))
    );
    assert_eq!(
        (got[1].target_for.clone(), got[1].target),
        (cla.clone(), Percent(900))
    );
    assert!(store
        .targets(Some(oak), AcademicYear(2023))
        .await
        .expect("read")
        .is_empty());
    assert!(store
        .targets(Some(urn(100002)), year)
        .await
        .expect("read")
        .is_empty());
    assert_eq!(
        store
            .targets_set(oak, year, &[(cla, None)], "dsl", NOW)
            .await
            .expect("remove"),
        1
    );
    assert_eq!(store.targets(None, year).await.expect("read").len(), 1);
    let _: Urn = oak;
}

on_both!(
    half_term_dates_are_set_read_and_cleared,
    subscribers_requests_and_unsubscribing,
    packs_are_versioned,
    the_outbox_claims_retries_and_logs,
    targets_per_pupil_and_group,
);
