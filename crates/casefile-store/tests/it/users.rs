//! Users: round trips, versions, unique emails, listings by visible division.

use casefile_domain::authz::Divisions;
use casefile_domain::user::State;
use casefile_store::{DivisionFilter, Error, NewUserRecord, Page, Store, UserFilter};

use crate::support::{create_user, db, division, event, home, user};
use crate::writes_via_units::Writes;

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
