//! Task management end to end through the router: workitem status changes along the allowed
//! destinations, with history and versions, automatic transitions and termination.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use casefile_server::workers::Worker;
use casefile_server::workers::auto_transitions::AutoTransitions;
use serde_json::json;

use crate::harness::Harness;
use crate::task_fixtures::{TM, create_workitem, setup, status_id};

#[tokio::test]
async fn status_changes_follow_allowed_destinations() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    let (open, progress, closed) = (
        status_id(&s, "Open"),
        status_id(&s, "InProgress"),
        status_id(&s, "Closed"),
    );
    let only_progress = h
        .call(
            Method::PATCH,
            &format!("{TM}/worktypes/{}/statuses/{open}", s.worktype),
            Some(&h.admin),
            Some(json!({"destinationStatusIds": [progress]})),
        )
        .await;
    assert_eq!(
        only_progress.status,
        StatusCode::OK,
        "{}",
        only_progress.body
    );
    let w = create_workitem(
        &h,
        &s,
        "Transition me",
        json!({"order_id_identifier": "T-1"}),
    )
    .await;
    let path = format!("{TM}/workitems/{}", w["id"].as_str().unwrap());
    let refused = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"statusId": closed})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.field(), "statusId");
    let moved = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"statusId": progress})),
        )
        .await;
    assert_eq!(moved.body["statusCategory"], "InProgress");
    assert!(moved.body.get("dateClosed").is_none());
    h.clock.advance(Duration::from_secs(60));
    let done = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"statusId": closed})),
        )
        .await;
    assert_eq!(done.body["statusCategory"], "Closed");
    assert_eq!(done.body["dateClosed"], "2026-03-02T09:01:00.000Z");
    assert_eq!(done.body["dateStatusChanged"], "2026-03-02T09:01:00.000Z");

    let history = h
        .call(
            Method::GET,
            &format!("{path}/history"),
            Some(&h.admin),
            None,
        )
        .await;
    let entries = history.body["entities"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[2]["delta"]["statusId"]["newValue"], closed.as_str());
    assert_eq!(
        entries[2]["delta"]["statusCategory"]["oldValue"],
        "InProgress"
    );
    assert!(entries[2]["delta"].get("dateClosed").is_some());
    let v2 = h
        .call(
            Method::GET,
            &format!("{path}/versions/2"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(v2.body["statusCategory"], "InProgress");
    let versions = h
        .call(
            Method::GET,
            &format!("{path}/versions?pageSize=2"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(versions.body["entities"].as_array().unwrap().len(), 2);
    assert!(versions.body["after"].is_string());
}

#[tokio::test]
async fn auto_transition_fires_on_the_manual_clock_and_survives_a_restart() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    let open = status_id(&s, "Open");
    let waiting = status_id(&s, "Waiting");
    let auto = h
        .call(
            Method::PATCH,
            &format!("{TM}/worktypes/{}/statuses/{waiting}", s.worktype),
            Some(&h.admin),
            Some(json!({"defaultDestinationStatusId": open, "statusTransitionDelaySeconds": 3600})),
        )
        .await;
    assert_eq!(auto.status, StatusCode::OK, "{}", auto.body);
    let w = create_workitem(
        &h,
        &s,
        "Wait for the customer",
        json!({"order_id_identifier": "W-1"}),
    )
    .await;
    let path = format!("{TM}/workitems/{}", w["id"].as_str().unwrap());
    let waiting_now = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"statusId": waiting})),
        )
        .await;
    assert_eq!(
        waiting_now.body["autoStatusTransitionDetail"]["dateOfTransition"],
        "2026-03-02T10:00:00.000Z"
    );

    // A restart: a new application on the same database, same clock.
    let restarted = casefile_server::server::open(
        (*h.app.config).clone(),
        std::sync::Arc::new(h.clock.clone()),
    )
    .await
    .unwrap();
    let worker = AutoTransitions {
        app: restarted.clone(),
    };
    h.clock.advance(Duration::from_secs(3599));
    assert_eq!(
        worker.tick(h.app.clock.now()).await.unwrap(),
        casefile_server::workers::Outcome::Idle
    );
    h.clock.advance(Duration::from_secs(1));
    assert_eq!(
        worker.tick(h.app.clock.now()).await.unwrap(),
        casefile_server::workers::Outcome::Worked(1)
    );
    let after = h.call(Method::GET, &path, Some(&h.admin), None).await;
    assert_eq!(after.body["statusCategory"], "Open");
    assert_eq!(after.body["dateStatusChanged"], "2026-03-02T10:00:00.000Z");
    assert!(after.body.get("autoStatusTransitionDetail").is_none());
    assert_eq!(
        worker.tick(h.app.clock.now()).await.unwrap(),
        casefile_server::workers::Outcome::Idle,
        "fires once"
    );
}

#[tokio::test]
async fn terminating_into_a_closed_status_closes_first() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    let w = create_workitem(
        &h,
        &s,
        "Terminate me",
        json!({"order_id_identifier": "Z-1"}),
    )
    .await;
    let path = format!("{TM}/workitems/{}/terminate", w["id"].as_str().unwrap());
    let open = h
        .call(
            Method::POST,
            &path,
            Some(&h.admin),
            Some(json!({"statusId": status_id(&s, "Open")})),
        )
        .await;
    assert_eq!(
        open.field(),
        "statusId",
        "only a Closed status may end a termination"
    );
    let done = h
        .call(
            Method::POST,
            &path,
            Some(&h.admin),
            Some(json!({"statusId": status_id(&s, "Closed")})),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["statusCategory"], "Closed");
    assert_eq!(done.body["assignmentState"], "Terminated");
    let again = h.call(Method::POST, &path, Some(&h.admin), None).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
}
