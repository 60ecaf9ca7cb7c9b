//! The write path: a unit is all or nothing, version guards admit one winner, and on SQLite
//! a refused unit does not take the others of its group commit with it.

use casefile_store::{Error, NewOutbox, NewUserRecord, Store};

use crate::support::{create_user, db, event, home, t0, user};
use crate::writes_via_units::Writes;

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
