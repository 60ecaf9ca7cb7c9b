//! Divisions: the home division, names, and deletes refused while objects belong to one.

use casefile_store::{Division, Error, Store};

use crate::support::{contact, create_user, db, division, event, home, user};
use crate::writes_via_units::Writes;

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

/// PostgreSQL cannot store U+0000 in text: its data exception is the caller's invalid input,
/// never an outage (it had read as SQLITE_BUSY) or a database fault. SQLite stores it.
#[tokio::test]
async fn a_value_the_database_cannot_store_is_invalid_input() {
    let db = db().await;
    home(&db.store).await;
    let d = Division {
        id: uuid::Uuid::new_v4().to_string(),
        name: "nul\u{0}here".into(),
        description: None,
        home: false,
        version: 1,
        date_created: crate::support::t0(),
        date_modified: crate::support::t0(),
    };
    let result = db
        .store
        .create_division(&d, &event("division", &d.id, 1))
        .await;
    if db.url.starts_with("postgres") {
        assert!(matches!(result, Err(Error::InvalidInput(_))), "{result:?}");
    } else {
        assert!(result.is_ok(), "{result:?}");
    }
}
