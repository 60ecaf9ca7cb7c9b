//! Task management end to end through the router: workbins and worktypes, the defaults a
//! worktype gives its statuses and workitems, and objects in use that cannot be deleted.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::Harness;
use crate::task_fixtures::{TM, create_workitem, setup, status_id};

#[tokio::test]
async fn worktype_gets_default_statuses_and_workitems_its_defaults() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    let categories: Vec<_> = s
        .statuses
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["category"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(categories.len(), 4);
    for c in ["Open", "InProgress", "Waiting", "Closed"] {
        assert!(categories.contains(&c.to_owned()));
    }
    let w = create_workitem(
        &h,
        &s,
        "Refund order 1",
        json!({"order_id_identifier": "A-1", "amount_number": 12.5, "reason_enum": "late"}),
    )
    .await;
    assert_eq!(w["workbin"]["id"], s.workbin.as_str());
    assert_eq!(w["priority"], 10);
    assert_eq!(w["statusCategory"], "Open");
    assert_eq!(w["status"]["id"], status_id(&s, "Open"));
    assert_eq!(w["dateDue"], "2026-03-03T09:00:00.000Z");
    assert_eq!(w["schema"]["version"], 1);
    assert_eq!(w["customFields"]["amount_number"], 12.5);
    assert_eq!(w["version"], 1);
}

#[tokio::test]
async fn in_use_objects_cannot_be_deleted() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    create_workitem(
        &h,
        &s,
        "Holding the bin",
        json!({"order_id_identifier": "D-1"}),
    )
    .await;
    assert_eq!(
        h.call(
            Method::DELETE,
            &format!("{TM}/workbins/{}", s.workbin),
            Some(&h.admin),
            None
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        h.call(
            Method::DELETE,
            &format!("{TM}/workitems/schemas/{}", s.schema),
            Some(&h.admin),
            None
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        h.call(
            Method::DELETE,
            &format!("{TM}/worktypes/{}", s.worktype),
            Some(&h.admin),
            None
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    let empty = h
        .call(
            Method::POST,
            &format!("{TM}/workbins"),
            Some(&h.admin),
            Some(json!({"name": "Empty bin"})),
        )
        .await;
    let gone = h
        .call(
            Method::DELETE,
            &format!("{TM}/workbins/{}", empty.body["id"].as_str().unwrap()),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
}
