//! The storage conformance suite. It runs on SQLite by default and on PostgreSQL when
//! `CASEFILE_TEST_DATABASE_URL` is set; CI runs it both ways.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use std::sync::Arc;

use casefile_domain::Timestamp;
use casefile_domain::authz::{DivisionScope, Divisions, Grant, Role};
use casefile_domain::contact::{Contact, Note};
use casefile_domain::user::{NewUser, State, User};
use casefile_store::{
    Change, ContactFilter, ContactSort, Division, DivisionFilter, Error, NewEvent, NewOutbox,
    NewUserRecord, OAuthClient, Page, PoolSizes, SqlStore, Store, TokenRecord, UserFilter,
};
use chrono::TimeZone;

struct Db {
    store: Arc<SqlStore>,
    url: String,
    _dir: tempfile::TempDir,
}

async fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let url = casefile_store::testing::fresh_database_url(dir.path()).await;
    let store = Arc::new(
        casefile_store::connect(&url, PoolSizes::default())
            .await
            .unwrap(),
    );
    Db {
        store,
        url,
        _dir: dir,
    }
}

fn t0() -> Timestamp {
    chrono::Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

fn event(entity_type: &'static str, id: &str, version: i64) -> Change {
    Change::event(NewEvent {
        entity_type,
        entity_id: id.to_owned(),
        version,
        kind: "test",
        actor_id: None,
        at: t0(),
        before: None,
        after: Some(serde_json::json!({"v": version}).into()),
    })
}

async fn home(store: &SqlStore) -> Division {
    let candidate = Division {
        id: uuid::Uuid::new_v4().to_string(),
        name: "Home".into(),
        description: None,
        home: true,
        version: 1,
        date_created: t0(),
        date_modified: t0(),
    };
    let change = event("division", &candidate.id, 1);
    store
        .ensure_home_division(&candidate, &change)
        .await
        .unwrap()
}

async fn division(store: &SqlStore, name: &str) -> Division {
    let d = Division {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.into(),
        description: None,
        home: false,
        version: 1,
        date_created: t0(),
        date_modified: t0(),
    };
    store
        .create_division(&d, &event("division", &d.id, 1))
        .await
        .unwrap();
    d
}

fn user(division_id: &str, email: &str) -> User {
    NewUser::parse(
        email,
        email,
        division_id.to_owned(),
        None,
        None,
        None,
        vec![],
    )
    .unwrap()
    .into_user(uuid::Uuid::new_v4().to_string(), t0())
}

async fn create_user(store: &SqlStore, u: &User) {
    let grants = [Grant {
        role: Role::Agent,
        scope: DivisionScope::One(u.division_id.clone()),
    }];
    let record = NewUserRecord {
        user: u,
        password_hash: Some("hash"),
        grants: &grants,
    };
    store
        .create_user(&record, &event("user", &u.id, 1))
        .await
        .unwrap();
}

#[tokio::test]
async fn migrations_are_idempotent_and_health_reports_them() {
    let db = db().await;
    let again = casefile_store::connect(&db.url, PoolSizes::default())
        .await
        .unwrap();
    let health = again.health().await.unwrap();
    assert!(health.is_ready());
    assert!(health.applied_migrations >= 1);
}

#[tokio::test]
async fn home_division_is_created_once() {
    let db = db().await;
    let first = home(&db.store).await;
    let second = home(&db.store).await;
    assert_eq!(first.id, second.id);
    assert!(first.home);
    assert_eq!(
        db.store.events("division", &first.id).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn users_round_trip_with_versions_and_events() {
    let db = db().await;
    let h = home(&db.store).await;
    let mut u = user(&h.id, "ada@example.com");
    u.addresses = vec![casefile_domain::user::Address {
        address: Some("+44 20 7946 0000".into()),
        extension: None,
        media_type: casefile_domain::user::MediaType::Phone,
        contact_type: casefile_domain::user::ContactType::Work,
    }];
    create_user(&db.store, &u).await;
    assert_eq!(db.store.get_user(&u.id).await.unwrap(), u);

    let mut next = u.clone();
    next.title = Some("Lead — ünïcode".into());
    next.version = 2;
    db.store
        .update_user(&next, 1, None, &event("user", &u.id, 2))
        .await
        .unwrap();
    assert_eq!(
        db.store.get_user(&u.id).await.unwrap().title.as_deref(),
        Some("Lead — ünïcode")
    );

    let stale = db
        .store
        .update_user(&next, 1, None, &event("user", &u.id, 3))
        .await
        .unwrap_err();
    assert!(
        matches!(stale, Error::VersionMismatch { current: 2 }),
        "{stale:?}"
    );
    let missing = user(&h.id, "nobody@example.com");
    assert!(matches!(
        db.store
            .update_user(&missing, 1, None, &event("user", &missing.id, 2))
            .await,
        Err(Error::NotFound)
    ));

    let events = db.store.events("user", &u.id).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.version).collect::<Vec<_>>(),
        vec![1, 2],
        "no event for the refused change"
    );
    let (found, hash) = db
        .store
        .find_user_login("ADA@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, u.id);
    assert_eq!(hash.as_deref(), Some("hash"));
}

#[tokio::test]
async fn duplicate_email_is_a_conflict_naming_the_constraint() {
    let db = db().await;
    let h = home(&db.store).await;
    create_user(&db.store, &user(&h.id, "a@example.com")).await;
    let dup = user(&h.id, "a@example.com");
    let record = NewUserRecord {
        user: &dup,
        password_hash: None,
        grants: &[],
    };
    match db
        .store
        .create_user(&record, &event("user", &dup.id, 1))
        .await
    {
        Err(Error::Conflict { constraint }) => {
            assert!(constraint.contains("email"), "{constraint}")
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn a_failing_event_rolls_back_the_entity_and_its_outbox() {
    let db = db().await;
    let h = home(&db.store).await;
    let u = user(&h.id, "b@example.com");
    create_user(&db.store, &u).await;
    let mut next = u.clone();
    next.name = "Changed".into();
    next.version = 2;
    // An event whose (entity, version) already exists makes the transaction fail.
    let mut change = event("user", &u.id, 1);
    change.outbox.push(NewOutbox {
        topic: "user.updated".into(),
        payload: serde_json::json!({}),
        available_at: t0(),
    });
    let before = db.store.outbox_len().await.unwrap();
    assert!(matches!(
        db.store.update_user(&next, 1, None, &change).await,
        Err(Error::Conflict { .. })
    ));
    assert_eq!(
        db.store.get_user(&u.id).await.unwrap().name,
        u.name,
        "entity write rolled back"
    );
    assert_eq!(
        db.store.outbox_len().await.unwrap(),
        before,
        "outbox write rolled back"
    );

    let mut ok = event("user", &u.id, 2);
    ok.outbox.push(NewOutbox {
        topic: "user.updated".into(),
        payload: serde_json::json!({"id": u.id}),
        available_at: t0(),
    });
    db.store.update_user(&next, 1, None, &ok).await.unwrap();
    assert_eq!(db.store.outbox_len().await.unwrap(), before + 1);
}

#[tokio::test]
async fn concurrent_updates_with_one_version_have_one_winner() {
    let db = db().await;
    let h = home(&db.store).await;
    let u = user(&h.id, "race@example.com");
    create_user(&db.store, &u).await;
    let mut tasks = Vec::new();
    for i in 0..32 {
        let store = db.store.clone();
        let mut next = u.clone();
        next.title = Some(format!("writer {i}"));
        next.version = 2;
        tasks.push(tokio::spawn(async move {
            store
                .update_user(&next, 1, None, &event("user", &next.id, 2))
                .await
        }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => wins += 1,
            Err(Error::VersionMismatch { current: 2 }) | Err(Error::Conflict { .. }) => {}
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(db.store.events("user", &u.id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn listing_filters_by_visible_divisions_and_pages() {
    let db = db().await;
    let h = home(&db.store).await;
    let b = division(&db.store, "B").await;
    for i in 0..5 {
        create_user(&db.store, &user(&h.id, &format!("h{i}@example.com"))).await;
    }
    for i in 0..3 {
        create_user(&db.store, &user(&b.id, &format!("b{i}@example.com"))).await;
    }
    let only_b = UserFilter {
        visible: Divisions::Only(vec![b.id.clone()]),
        ids: None,
        state: Some(State::Active),
        descending: false,
    };
    let page = db
        .store
        .list_users(&only_b, Page { number: 1, size: 2 })
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.entities.len(), 2);
    assert!(page.entities.iter().all(|u| u.division_id == b.id));
    let second = db
        .store
        .list_users(&only_b, Page { number: 2, size: 2 })
        .await
        .unwrap();
    assert_eq!(second.entities.len(), 1);

    let nothing = UserFilter {
        visible: Divisions::Only(vec![]),
        ids: None,
        state: None,
        descending: false,
    };
    assert_eq!(
        db.store
            .list_users(
                &nothing,
                Page {
                    number: 1,
                    size: 10
                }
            )
            .await
            .unwrap()
            .total,
        0
    );
    let all = UserFilter {
        visible: Divisions::All,
        ids: None,
        state: None,
        descending: true,
    };
    assert_eq!(
        db.store
            .list_users(
                &all,
                Page {
                    number: 1,
                    size: 100
                }
            )
            .await
            .unwrap()
            .total,
        8
    );

    let divisions = DivisionFilter {
        visible: Divisions::All,
        ids: None,
        name: Some("b".into()),
    };
    let found = db
        .store
        .list_divisions(
            &divisions,
            Page {
                number: 1,
                size: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        found
            .entities
            .iter()
            .map(|d| d.id.clone())
            .collect::<Vec<_>>(),
        vec![b.id.clone()]
    );
}

#[tokio::test]
async fn divisions_holding_users_cannot_be_deleted() {
    let db = db().await;
    let h = home(&db.store).await;
    let b = division(&db.store, "Back office").await;
    create_user(&db.store, &user(&b.id, "x@example.com")).await;
    assert!(matches!(
        db.store
            .delete_division(&b.id, &event("division", &b.id, 2))
            .await,
        Err(Error::Conflict { .. })
    ));
    let empty = division(&db.store, "Empty").await;
    db.store
        .delete_division(&empty.id, &event("division", &empty.id, 2))
        .await
        .unwrap();
    assert!(matches!(
        db.store.get_division(&empty.id).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        db.store
            .delete_division(&h.id, &event("division", &h.id, 2))
            .await,
        Err(Error::NotFound)
    ));
    let dup = Division {
        id: "other".into(),
        name: "BACK OFFICE".into(),
        ..b.clone()
    };
    assert!(matches!(
        db.store
            .create_division(&dup, &event("division", "other", 1))
            .await,
        Err(Error::Conflict { .. })
    ));
}

#[tokio::test]
async fn clients_grants_and_tokens() {
    let db = db().await;
    home(&db.store).await;
    let client = OAuthClient {
        id: "c1".into(),
        name: "robot".into(),
        secret_hash: "h1".into(),
        version: 1,
        date_created: t0(),
        date_modified: t0(),
    };
    let grants = vec![Grant {
        role: Role::Admin,
        scope: DivisionScope::All,
    }];
    db.store
        .upsert_client(&client, &grants, &event("oauth_client", "c1", 1))
        .await
        .unwrap();
    let rotated = OAuthClient {
        secret_hash: "h2".into(),
        version: 2,
        ..client.clone()
    };
    db.store
        .upsert_client(&rotated, &grants, &event("oauth_client", "c1", 2))
        .await
        .unwrap();
    assert_eq!(db.store.get_client("c1").await.unwrap().secret_hash, "h2");
    assert_eq!(db.store.grants("c1").await.unwrap(), grants);

    let token = TokenRecord {
        token_hash: "t".into(),
        client_id: "c1".into(),
        user_id: None,
        issued_at: t0(),
        expires_at: t0() + chrono::Duration::hours(1),
    };
    db.store.insert_token(&token).await.unwrap();
    assert_eq!(db.store.get_token("t").await.unwrap(), token);
    assert_eq!(db.store.delete_expired_tokens(t0()).await.unwrap(), 0);
    assert_eq!(
        db.store
            .delete_expired_tokens(t0() + chrono::Duration::hours(2))
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        db.store.get_token("t").await,
        Err(Error::NotFound)
    ));
}

#[tokio::test]
async fn unknown_url_schemes_are_refused() {
    let err = casefile_store::connect("mysql://localhost/x", PoolSizes::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sqlite://"), "{err}");
    assert!(casefile_store::sql_redact("postgres://u:secret@h/db").contains("***"));
}

fn contact(division_id: &str, first: &str, last: &str, email: &str, phone: &str) -> Contact {
    use casefile_domain::contact::{Details, DetailsInput, PhoneInput};
    let details = Details::parse(DetailsInput {
        first_name: Some(first.into()),
        last_name: Some(last.into()),
        work_email: Some(email.into()),
        cell_phone: Some(PhoneInput {
            display: Some(phone.into()),
            ..PhoneInput::default()
        }),
        ..DetailsInput::default()
    })
    .unwrap();
    Contact {
        id: uuid::Uuid::new_v4().to_string(),
        division_id: division_id.to_owned(),
        details,
        version: 1,
        date_created: t0(),
        date_modified: t0(),
        modified_by: None,
    }
}

fn contact_filter(visible: Divisions, prefix: Option<&str>) -> ContactFilter {
    ContactFilter {
        visible,
        prefix: prefix.map(str::to_owned),
        sort: ContactSort::LastName,
        descending: false,
        count_limit: 1000,
    }
}

async fn found(store: &SqlStore, visible: Divisions, prefix: &str) -> Vec<String> {
    let page = Page {
        number: 1,
        size: 50,
    };
    let listing = store
        .list_contacts(&contact_filter(visible, Some(prefix)), page)
        .await
        .unwrap();
    assert_eq!(listing.total, listing.entities.len() as i64, "{prefix}");
    listing
        .entities
        .into_iter()
        .map(|c| c.details.first_name.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn contacts_are_searched_by_key_prefix_within_visible_divisions() {
    let db = db().await;
    let h = home(&db.store).await;
    let other = division(&db.store, "Back office").await;
    let jane = contact(
        &h.id,
        "Jane",
        "van der Berg",
        "Jane.Berg@Example.com",
        "(317) 555-0100",
    );
    let john = contact(
        &h.id,
        "John",
        "Smith",
        "john@example.org",
        "+44 20 7946 0000",
    );
    let zoe = contact(
        &other.id,
        "Zoë",
        "Jansen",
        "zoe_100%@example.net",
        "317 555 0199",
    );
    for c in [&jane, &john, &zoe] {
        db.store
            .create_contact(c, &event("contact", &c.id, 1))
            .await
            .unwrap();
    }
    assert_eq!(db.store.get_contact(&jane.id).await.unwrap(), jane);
    assert_eq!(db.store.events("contact", &jane.id).await.unwrap().len(), 1);

    let all = Divisions::All;
    assert_eq!(found(&db.store, all.clone(), "jan").await, ["Zoë", "Jane"]);
    assert_eq!(found(&db.store, all.clone(), "van der").await, ["Jane"]);
    assert_eq!(
        found(&db.store, all.clone(), "van der berg j").await,
        ["Jane"]
    );
    assert_eq!(found(&db.store, all.clone(), "smith j").await, ["John"]);
    assert_eq!(found(&db.store, all.clone(), "jane.berg@").await, ["Jane"]);
    assert_eq!(found(&db.store, all.clone(), "zoë").await, ["Zoë"]);
    assert_eq!(
        found(&db.store, all.clone(), "1317555").await,
        ["Zoë", "Jane"]
    );
    assert_eq!(found(&db.store, all.clone(), "3175550100").await, ["Jane"]);
    assert_eq!(found(&db.store, all.clone(), "442079").await, ["John"]);
    assert!(
        found(&db.store, all.clone(), "ane").await.is_empty(),
        "prefix, not contains"
    );
    assert!(
        found(&db.store, all.clone(), "%").await.is_empty(),
        "wildcards are literal"
    );
    assert!(found(&db.store, all.clone(), "zoe_").await.len() == 1);
    assert!(found(&db.store, all.clone(), "zoex").await.is_empty());
    let home_only = Divisions::Only(vec![h.id.clone()]);
    assert_eq!(found(&db.store, home_only, "jan").await, ["Jane"]);
    assert!(
        found(&db.store, Divisions::Only(Vec::new()), "jan")
            .await
            .is_empty()
    );

    let page = Page { number: 1, size: 2 };
    let mut filter = contact_filter(Divisions::All, None);
    let listing = db.store.list_contacts(&filter, page).await.unwrap();
    assert_eq!(listing.total, 3);
    let names: Vec<_> = listing
        .entities
        .iter()
        .map(|c| c.details.last_name.clone().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Jansen", "Smith"],
        "by last name, case-insensitively"
    );
    filter.sort = ContactSort::FirstName;
    filter.descending = true;
    filter.count_limit = 1;
    let listing = db.store.list_contacts(&filter, page).await.unwrap();
    assert_eq!(listing.total, 2, "counting stops after count_limit + 1");
    assert_eq!(
        listing.entities[0].details.first_name.as_deref(),
        Some("Zoë")
    );
}

fn workitem(
    division_id: &str,
    contact_id: Option<&str>,
) -> casefile_domain::task::workitem::Workitem {
    serde_json::from_value(serde_json::json!({
        "id": uuid::Uuid::new_v4().to_string(), "name": "Call back", "description": null,
        "division_id": division_id, "type_id": "t", "workbin_id": "w", "status_id": "s",
        "status_category": "Open", "priority": 0, "date_created": t0(), "date_modified": t0(),
        "date_due": null, "date_expires": null, "duration_seconds": null, "ttl": null,
        "date_status_changed": null, "date_closed": null, "assignee_id": null, "reporter_id": null,
        "queue_id": null, "language_id": null, "external_contact_id": contact_id, "external_tag": null,
        "case_id": null, "modified_by": null, "auto_status_transition": false,
        "auto_transition_at": null, "auto_transition_to": null, "schema_id": null,
        "schema_version": null, "custom_fields": {}, "skill_ids": [], "preferred_agent_ids": [],
        "script_id": null, "assignment_state": null, "terminated": false, "version": 1
    }))
    .unwrap()
}

#[tokio::test]
async fn contact_updates_replace_keys_and_deletes_respect_workitems() {
    let db = db().await;
    let h = home(&db.store).await;
    let jane = contact(&h.id, "Jane", "Doe", "jane@example.com", "3175550100");
    db.store
        .create_contact(&jane, &event("contact", &jane.id, 1))
        .await
        .unwrap();
    let mut next = jane.clone();
    next.details.first_name = Some("Janet".into());
    next.details.work_email = None;
    next.version = 2;
    db.store
        .update_contact(&next, 1, &event("contact", &jane.id, 2))
        .await
        .unwrap();
    let stale = db
        .store
        .update_contact(&next, 1, &event("contact", &jane.id, 3))
        .await;
    assert!(
        matches!(stale, Err(Error::VersionMismatch { current: 2 })),
        "{stale:?}"
    );
    assert_eq!(found(&db.store, Divisions::All, "janet").await, ["Janet"]);
    assert!(found(&db.store, Divisions::All, "jane@").await.is_empty());

    // notes
    let note = Note {
        id: uuid::Uuid::new_v4().to_string(),
        contact_id: jane.id.clone(),
        text: "Prefers email".into(),
        created_by: Some("u1".into()),
        version: 1,
        date_created: t0(),
        date_modified: t0(),
    };
    db.store
        .create_contact_note(&note, &event("contact_note", &note.id, 1))
        .await
        .unwrap();
    let orphan = Note {
        id: uuid::Uuid::new_v4().to_string(),
        contact_id: "missing".into(),
        ..note.clone()
    };
    assert!(matches!(
        db.store
            .create_contact_note(&orphan, &event("contact_note", &orphan.id, 1))
            .await,
        Err(Error::Conflict { .. })
    ));
    assert!(
        db.store
            .events("contact_note", &orphan.id)
            .await
            .unwrap()
            .is_empty()
    );
    let edited = Note {
        text: "Prefers phone".into(),
        version: 2,
        ..note.clone()
    };
    db.store
        .update_contact_note(&edited, 1, &event("contact_note", &note.id, 2))
        .await
        .unwrap();
    assert_eq!(
        db.store.get_contact_note(&jane.id, &note.id).await.unwrap(),
        edited
    );
    assert!(matches!(
        db.store.get_contact_note("other", &note.id).await,
        Err(Error::NotFound)
    ));
    let notes = db
        .store
        .list_contact_notes(
            &jane.id,
            true,
            Page {
                number: 1,
                size: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!((notes.total, notes.entities.len()), (1, 1));

    // a workitem refers to the contact: it stays
    let workitem = workitem(&h.id, Some(&jane.id));
    db.store
        .insert_workitems(
            std::slice::from_ref(&workitem),
            &[event("workitem", &workitem.id, 1)],
        )
        .await
        .unwrap();
    let refused = db
        .store
        .delete_contact(&jane.id, 2, &event("contact", &jane.id, 3))
        .await;
    assert!(
        matches!(&refused, Err(Error::Conflict { constraint }) if constraint == "in_use"),
        "{refused:?}"
    );
    assert_eq!(db.store.events("contact", &jane.id).await.unwrap().len(), 2);
    db.store
        .delete_workitem(&workitem.id, &event("workitem", &workitem.id, 2))
        .await
        .unwrap();

    // so does a case (written here as a bare row: only its contact column matters)
    sqlx::any::install_default_drivers();
    let raw = sqlx::AnyPool::connect(&db.url).await.unwrap();
    sqlx::query(
        "INSERT INTO cases (id, caseplan_id, caseplan_version, reference_key, status, priority,
             external_contact_id, date_created, date_modified, version, data)
         VALUES ('case-1', 'plan', 1, 'REF-1', 'open', 'medium', $1, 0, 0, 1, '{}')",
    )
    .bind(&jane.id)
    .execute(&raw)
    .await
    .unwrap();
    let refused = db
        .store
        .delete_contact(&jane.id, 2, &event("contact", &jane.id, 3))
        .await;
    assert!(
        matches!(&refused, Err(Error::Conflict { constraint }) if constraint == "in_use"),
        "{refused:?}"
    );
    sqlx::query("DELETE FROM cases WHERE id = 'case-1'")
        .execute(&raw)
        .await
        .unwrap();
    raw.close().await;
    assert!(matches!(
        db.store
            .delete_contact(&jane.id, 1, &event("contact", &jane.id, 3))
            .await,
        Err(Error::VersionMismatch { current: 2 })
    ));
    db.store
        .delete_contact(&jane.id, 2, &event("contact", &jane.id, 3))
        .await
        .unwrap();
    assert!(matches!(
        db.store.get_contact(&jane.id).await,
        Err(Error::NotFound)
    ));
    assert!(
        matches!(
            db.store.get_contact_note(&jane.id, &note.id).await,
            Err(Error::NotFound)
        ),
        "notes go with their contact"
    );
    assert!(found(&db.store, Divisions::All, "janet").await.is_empty());
    assert_eq!(db.store.events("contact", &jane.id).await.unwrap().len(), 3);
}

#[tokio::test]
async fn divisions_holding_contacts_cannot_be_deleted() {
    let db = db().await;
    home(&db.store).await;
    let d = division(&db.store, "Customers EU").await;
    let c = contact(&d.id, "Jane", "Doe", "jane@example.com", "3175550100");
    db.store
        .create_contact(&c, &event("contact", &c.id, 1))
        .await
        .unwrap();
    let refused = db
        .store
        .delete_division(&d.id, &event("division", &d.id, 2))
        .await;
    assert!(
        matches!(refused, Err(Error::Conflict { .. })),
        "{refused:?}"
    );
    assert!(db.store.get_division(&d.id).await.is_ok());
}

#[tokio::test]
async fn concurrent_units_commit_together_and_fail_alone() {
    // On SQLite these land in shared group commits: a refused unit must not take the others
    // of its batch with it, and every acknowledged one must be stored with its event.
    let db = db().await;
    let h = home(&db.store).await;
    create_user(&db.store, &user(&h.id, "taken@example.com")).await;
    let mut tasks = Vec::new();
    for i in 0..60 {
        let store = db.store.clone();
        let email = if i % 5 == 0 {
            "taken@example.com".to_owned()
        } else {
            format!("u{i}@example.com")
        };
        let u = user(&h.id, &email);
        tasks.push(tokio::spawn(async move {
            let record = NewUserRecord {
                user: &u,
                password_hash: None,
                grants: &[],
            };
            let result = store.create_user(&record, &event("user", &u.id, 1)).await;
            (u.id.clone(), result)
        }));
    }
    let mut ok = Vec::new();
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            (id, Ok(())) => ok.push(id),
            (_, Err(Error::Conflict { .. })) => refused += 1,
            (_, Err(e)) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((ok.len(), refused), (48, 12));
    for id in ok {
        db.store.get_user(&id).await.unwrap();
        assert_eq!(db.store.events("user", &id).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_unit_with_a_stale_update_writes_nothing() {
    // On PostgreSQL such a unit is one statement whose guard aborts it (sql/combine.rs); on
    // SQLite its savepoint is rolled back. Either way neither write nor event may remain.
    let db = db().await;
    let h = home(&db.store).await;
    let first = workitem(&h.id, None);
    db.store
        .insert_workitems(
            std::slice::from_ref(&first),
            &[event("workitem", &first.id, 1)],
        )
        .await
        .unwrap();
    let mut moved = first.clone();
    moved.name = "Moved".into();
    moved.version = 2;
    let created = workitem(&h.id, None);
    let unit = casefile_store::UnitOfWork {
        workitem_inserts: vec![created.clone()],
        workitem_updates: vec![(moved.clone(), 7)], // stored version is 1
        changes: vec![
            event("workitem", &moved.id, 2),
            event("workitem", &created.id, 1),
        ],
        ..Default::default()
    };
    let refused = db.store.commit_unit(&unit).await;
    assert!(
        matches!(refused, Err(Error::VersionMismatch { current: 1 })),
        "{refused:?}"
    );
    assert!(matches!(
        db.store.get_workitem(&created.id).await,
        Err(Error::NotFound)
    ));
    assert_eq!(
        db.store.get_workitem(&first.id).await.unwrap().name,
        "Call back"
    );
    assert_eq!(
        db.store.events("workitem", &first.id).await.unwrap().len(),
        1
    );
    assert!(
        db.store
            .events("workitem", &created.id)
            .await
            .unwrap()
            .is_empty()
    );

    let missing = casefile_store::UnitOfWork {
        workitem_updates: vec![(workitem(&h.id, None), 1)],
        ..Default::default()
    };
    let refused = db.store.commit_unit(&missing).await;
    assert!(matches!(refused, Err(Error::NotFound)), "{refused:?}");

    let unit = casefile_store::UnitOfWork {
        workitem_updates: vec![(moved.clone(), 1)],
        changes: vec![event("workitem", &moved.id, 2)],
        ..Default::default()
    };
    db.store.commit_unit(&unit).await.unwrap();
    assert_eq!(
        db.store.get_workitem(&first.id).await.unwrap().name,
        "Moved"
    );
    let events = db.store.events("workitem", &first.id).await.unwrap();
    assert_eq!(events.len(), 2);
    // A workitem event's `before` is not stored twice: it is the previous version's `after`.
    let v1 = Some(serde_json::json!({"v": 1}));
    assert_eq!(events[1].before, v1);
    let second = db
        .store
        .event_at_version("workitem", &first.id, 2)
        .await
        .unwrap();
    assert_eq!(
        (second.before, second.after),
        (v1, Some(serde_json::json!({"v": 2})))
    );
}

#[tokio::test]
async fn a_large_unit_is_written_whole() {
    // Too big for PostgreSQL's one-statement path: it runs as a transaction of statements.
    let db = db().await;
    let h = home(&db.store).await;
    let items: Vec<_> = (0..700).map(|_| workitem(&h.id, None)).collect();
    let changes: Vec<_> = items.iter().map(|w| event("workitem", &w.id, 1)).collect();
    db.store.insert_workitems(&items, &changes).await.unwrap();
    for w in [&items[0], &items[699]] {
        db.store.get_workitem(&w.id).await.unwrap();
        assert_eq!(db.store.events("workitem", &w.id).await.unwrap().len(), 1);
    }
}

fn one_stage_plan(prefix: &str) -> casefile_domain::case::caseplan::CaseplanVersion {
    use casefile_domain::case::caseplan::{
        ActivityType, CaseplanVersion, Stageplan, Stepplan, VersionState,
    };
    CaseplanVersion {
        caseplan_id: "plan-1".into(),
        version: 1,
        state: VersionState::Published,
        name: "Refund management".into(),
        description: None,
        division_id: None,
        reference_prefix: prefix.into(),
        default_due_duration_seconds: Some(86_400),
        default_ttl_seconds: None,
        default_owner_id: None,
        customer_intent_id: None,
        data_schema_id: Some("schema-1".into()),
        intake_settings: vec![],
        stageplans: vec![Stageplan {
            id: "stageplan-1".into(),
            name: "Capture".into(),
            description: None,
            stepplan: Stepplan {
                id: "stepplan-1".into(),
                name: "Capture".into(),
                description: None,
                activity_type: ActivityType::Workitem,
                worktype_id: Some("worktype-1".into()),
                date_created: t0(),
                date_modified: t0(),
            },
            date_created: t0(),
            date_modified: t0(),
        }],
        date_created: t0(),
        date_modified: t0(),
        date_published: Some(t0()),
        modified_by: None,
    }
}

#[tokio::test]
async fn new_cases_are_numbered_in_their_unit_and_keep_the_reference_in_their_json() {
    use casefile_domain::case::engine::{Case, NewCase, Priority};
    let db = db().await;
    // A prefix as a caller might pass it: the reference uses it trimmed and upper-cased.
    let plan = one_stage_plan(" ref ");
    for n in 1..=3 {
        let new = NewCase {
            id: format!("case-{n}"),
            reference: String::new(),
            summary: format!("Refund {n} \"reference\":\"\" in the text"),
            description: None,
            external_id: None,
            owner_id: None,
            priority: Priority::Medium,
            date_due: None,
            external_contact_id: None,
            ttl_seconds: None,
            data: serde_json::json!({"reference": "", "note": "\"reference\":\"\""})
                .as_object()
                .cloned()
                .unwrap(),
            stage_ids: vec![(format!("stage-{n}"), format!("step-{n}"))],
        };
        let (case, _effects) = Case::start(&plan, new, None, t0()).unwrap();
        let unit = casefile_store::UnitOfWork {
            case_insert: Some(casefile_store::CaseInsert {
                case: case.clone(),
                prefix: plan.reference_prefix.clone(),
                event: NewEvent {
                    entity_type: "case",
                    entity_id: case.id.clone(),
                    version: 1,
                    kind: "case.created",
                    actor_id: None,
                    at: t0(),
                    before: None,
                    after: None,
                },
            }),
            ..Default::default()
        };
        let expected = format!("REF-{n:06}");
        let answered = db.store.commit_unit(&unit).await.unwrap();
        assert_eq!(answered.as_deref(), Some(expected.as_str()));
        let stored = db.store.get_case(&case.id).await.unwrap();
        assert_eq!(stored.reference, expected);
        assert_eq!(
            stored.summary, case.summary,
            "only the case's own reference is filled in"
        );
        assert_eq!(stored.data, case.data);
        let found = db
            .store
            .get_case_by_reference(&expected.to_lowercase())
            .await
            .unwrap();
        assert_eq!(found.id, case.id);
        let events = db.store.events("case", &case.id).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].after.as_ref().unwrap()["reference"], expected);
    }
}
