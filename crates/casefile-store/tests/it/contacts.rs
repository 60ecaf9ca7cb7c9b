//! External contacts: key-prefix search within visible divisions, updates, notes, and deletes
//! refused while a workitem or case refers to the contact.

use casefile_domain::authz::Divisions;
use casefile_domain::contact::Note;
use casefile_store::{ContactFilter, ContactSort, Error, Page, SqlStore, Store};

use crate::support::{contact, db, division, event, home, t0, workitem};
use crate::writes_via_units::Writes;

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
        .delete_workitem(
            &workitem.id,
            workitem.version,
            &event("workitem", &workitem.id, 2),
        )
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
