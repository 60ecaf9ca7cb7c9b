//! Fixtures shared by the suite: a fresh database per test and the objects the tests store.

use std::sync::Arc;

use crate::writes_via_units::Writes;
use casefile_domain::Timestamp;
use casefile_domain::authz::{DivisionScope, Grant, Role};
use casefile_domain::contact::Contact;
use casefile_domain::user::{NewUser, User};
use casefile_store::{Change, Division, NewEvent, NewUserRecord, PoolSizes, SqlStore, Store};
use chrono::TimeZone;

pub struct Db {
    pub store: Arc<SqlStore>,
    pub url: String,
    pub _dir: tempfile::TempDir,
}

pub async fn db() -> Db {
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

pub fn t0() -> Timestamp {
    chrono::Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

pub fn event(entity_type: &'static str, id: &str, version: i64) -> Change {
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

pub async fn home(store: &SqlStore) -> Division {
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

pub async fn division(store: &SqlStore, name: &str) -> Division {
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

pub fn user(division_id: &str, email: &str) -> User {
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

pub async fn create_user(store: &SqlStore, u: &User) {
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

pub fn contact(division_id: &str, first: &str, last: &str, email: &str, phone: &str) -> Contact {
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

pub fn workitem(
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
