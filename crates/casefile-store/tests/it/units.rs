//! Units of work: a stale guard writes nothing, a large unit is written whole.

use casefile_store::{Error, Store};

use crate::support::{db, event, home, workitem};
use crate::writes_via_units::Writes;

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

#[tokio::test]
async fn a_unit_deletes_a_workitem_only_at_the_version_it_was_read() {
    let db = db().await;
    let h = home(&db.store).await;
    let w = workitem(&h.id, None);
    let created = casefile_store::UnitOfWork {
        workitem_inserts: vec![w.clone()],
        changes: vec![event("workitem", &w.id, 1)],
        ..Default::default()
    };
    db.store.commit_unit(&created).await.unwrap();
    // Read at version 1 but changed meanwhile: the delete and its event are refused.
    let stale = casefile_store::UnitOfWork {
        workitem_deletes: vec![(w.id.clone(), 3)],
        changes: vec![event("workitem", &w.id, 4)],
        ..Default::default()
    };
    let refused = db.store.commit_unit(&stale).await;
    assert!(
        matches!(refused, Err(Error::VersionMismatch { current: 1 })),
        "{refused:?}"
    );
    assert!(db.store.get_workitem(&w.id).await.is_ok());
    assert_eq!(db.store.events("workitem", &w.id).await.unwrap().len(), 1);
    let delete = casefile_store::UnitOfWork {
        workitem_deletes: vec![(w.id.clone(), 1)],
        changes: vec![event("workitem", &w.id, 2)],
        ..Default::default()
    };
    db.store.commit_unit(&delete).await.unwrap();
    assert!(matches!(
        db.store.get_workitem(&w.id).await,
        Err(Error::NotFound)
    ));
    assert_eq!(db.store.events("workitem", &w.id).await.unwrap().len(), 2);
    // Gone: a second delete finds nothing.
    let again = casefile_store::UnitOfWork {
        workitem_deletes: vec![(w.id.clone(), 1)],
        ..Default::default()
    };
    assert!(matches!(
        db.store.commit_unit(&again).await,
        Err(Error::NotFound)
    ));
}
