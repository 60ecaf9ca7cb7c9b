//! Task management end to end through the router: workitem concurrency (one winner per
//! ETag, another node's change never reverted), division isolation for agents, and ids.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::Harness;
use crate::task_fixtures::{TM, create_workitem, setup, status_id};

#[tokio::test]
async fn concurrent_patches_with_one_etag_have_one_winner() {
    let h = std::sync::Arc::new(Harness::new().await);
    let s = setup(&h, None).await;
    let w = create_workitem(&h, &s, "Contended", json!({"order_id_identifier": "R-1"})).await;
    let path = format!("{TM}/workitems/{}", w["id"].as_str().unwrap());
    let mut tasks = Vec::new();
    for i in 0..32 {
        let (h, path) = (h.clone(), path.clone());
        tasks.push(tokio::spawn(async move {
            let request = axum::http::Request::builder()
                .method(Method::PATCH)
                .uri(&path)
                .header("authorization", format!("Bearer {}", h.admin))
                .header("content-type", "application/json")
                .header("if-match", "\"1\"")
                .body(axum::body::Body::from(
                    json!({"priority": 100 + i}).to_string(),
                ))
                .unwrap();
            h.send(request).await.status
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::OK => ok += 1,
            StatusCode::PRECONDITION_FAILED | StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(ok, 1);
    let events = h
        .app
        .store
        .events("workitem", w["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(events.len(), 2, "one creation, one winning change");
}

/// Without `If-Match` the server owns the read-modify-write: 32 clients × 5 blind PATCHes on
/// one workitem and on one case all succeed, and each acknowledged write is its own version.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn blind_writes_from_many_clients_all_succeed_and_none_is_lost() {
    let h = std::sync::Arc::new(Harness::new().await);
    let s = setup(&h, None).await;
    let w = create_workitem(&h, &s, "Contended", json!({"order_id_identifier": "R-1"})).await;
    let workitem = w["id"].as_str().unwrap().to_owned();
    let plan = crate::cases::refund_plan(&h).await;
    let case = h
        .call(
            Method::POST,
            "/api/v2/casemanagement/cases",
            Some(&h.admin),
            Some(json!({"caseplanId": plan.caseplan, "summary": "Contended",
                        "intake": [{"data": {"order_id_identifier": "O-1"}}]})),
        )
        .await;
    assert_eq!(case.status, StatusCode::OK, "{}", case.body);
    let case_id = case.body["id"].as_str().unwrap().to_owned();
    let case_events_before = h.app.store.events("case", &case_id).await.unwrap().len();

    let mut tasks = Vec::new();
    for i in 0..32 {
        let (h, workitem, case_id) = (h.clone(), workitem.clone(), case_id.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0..5 {
                let value = format!("client {i} write {n}");
                let r = h
                    .call(
                        Method::PATCH,
                        &format!("{TM}/workitems/{workitem}"),
                        Some(&h.admin),
                        Some(json!({"description": value})),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "workitem: {}", r.body);
                let r = h
                    .call(
                        Method::PATCH,
                        &format!("/api/v2/casemanagement/cases/{case_id}/summary"),
                        Some(&h.admin),
                        Some(json!({"summary": value})),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "case: {}", r.body);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let events = h.app.store.events("workitem", &workitem).await.unwrap();
    assert_eq!(
        events.len(),
        1 + 160,
        "one creation and one version per write"
    );
    let last = h
        .call(
            Method::GET,
            &format!("{TM}/workitems/{workitem}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(
        last.body["description"],
        events.last().unwrap().after.as_ref().unwrap()["description"]
    );
    let case_events = h.app.store.events("case", &case_id).await.unwrap();
    assert_eq!(case_events.len(), case_events_before + 160);
}

#[tokio::test]
async fn agents_see_only_their_divisions_workitems_and_change_only_their_own() {
    let h = Harness::new().await;
    let b = h.create_division("Division B").await;
    let in_home = setup(&h, None).await;
    let in_b = setup(&h, Some(&b)).await;
    let w_home = create_workitem(
        &h,
        &in_home,
        "Home work",
        json!({"order_id_identifier": "H"}),
    )
    .await;
    let w_b = create_workitem(&h, &in_b, "B work", json!({"order_id_identifier": "B"})).await;
    let agent = h.create_user("worker@example.com", None, "agent").await;
    let token = h.user_token("worker@example.com").await;
    let b_path = format!("{TM}/workitems/{}", w_b["id"].as_str().unwrap());
    assert_eq!(
        h.call(Method::GET, &b_path, Some(&token), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.call(
            Method::GET,
            &format!("{TM}/workbins/{}", in_b.workbin),
            Some(&token),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let all = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/query"),
            Some(&token),
            Some(json!({"filters": []})),
        )
        .await;
    let ids: Vec<_> = all.body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].clone())
        .collect();
    assert_eq!(ids, vec![w_home["id"].clone()]);

    let home_path = format!("{TM}/workitems/{}", w_home["id"].as_str().unwrap());
    let not_mine = h
        .call(
            Method::PATCH,
            &home_path,
            Some(&token),
            Some(json!({"priority": 1})),
        )
        .await;
    assert_eq!(not_mine.status, StatusCode::FORBIDDEN);
    let someone_else = h.create_user("other@example.com", None, "agent").await;
    let assign_other = h
        .call(
            Method::PATCH,
            &format!("{home_path}/assignment"),
            Some(&token),
            Some(json!({"assigneeId": someone_else["id"]})),
        )
        .await;
    assert_eq!(assign_other.status, StatusCode::FORBIDDEN);
    let pulled = h
        .call(
            Method::PATCH,
            &format!("{home_path}/assignment"),
            Some(&token),
            Some(json!({"id": agent["id"]})),
        )
        .await;
    assert_eq!(pulled.status, StatusCode::NO_CONTENT, "{}", pulled.body);
    let mine = h
        .call(
            Method::PATCH,
            &home_path,
            Some(&token),
            Some(json!({"statusId": status_id(&in_home, "InProgress")})),
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(
        h.call(
            Method::POST,
            &format!("{TM}/workbins"),
            Some(&token),
            Some(json!({"name": "Agent bin"}))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

/// Another node's change: a rename written straight through the store, past this node's copy.
async fn rename_elsewhere(h: &Harness, id: &str, name: &str) {
    let mut elsewhere = h.app.store.get_workitem(id).await.unwrap();
    let expected = elsewhere.version;
    elsewhere.name = name.into();
    elsewhere.version += 1;
    let change = casefile_server::app::change(
        "workitem",
        id,
        elsewhere.version,
        "workitem.updated",
        casefile_server::app::Actor {
            id: None,
            at: elsewhere.date_modified,
        },
        None,
        casefile_server::app::snapshot(&elsewhere).ok(),
    );
    let unit = casefile_store::UnitOfWork {
        workitem_updates: vec![(elsewhere, expected)],
        changes: vec![change],
        ..casefile_store::UnitOfWork::default()
    };
    h.app.store.commit_unit(&unit).await.unwrap();
}

#[tokio::test]
async fn another_nodes_change_is_not_overwritten_by_this_nodes_copy() {
    // This node keeps the workitems it wrote as the starting point of their next change; a
    // change written meanwhile by another node (here: straight through the store) must win
    // over that copy, never be reverted by it.
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    let w = create_workitem(&h, &s, "Shared", json!({"order_id_identifier": "R-9"})).await;
    let id = w["id"].as_str().unwrap();
    rename_elsewhere(&h, id, "Renamed elsewhere").await;

    let path = format!("{TM}/workitems/{id}");
    let moved = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"statusId": status_id(&s, "InProgress")})),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["name"], "Renamed elsewhere");
    assert_eq!(moved.body["version"], 3);
    assert_eq!(moved.body["statusCategory"], "InProgress");

    // Setting what this node's (now stale) copy already has must not pass for "no change".
    rename_elsewhere(&h, id, "Renamed again").await;
    let renamed = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"name": "Renamed elsewhere"})),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(renamed.body["version"], 5);
    let stored = h.app.store.get_workitem(id).await.unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.version),
        ("Renamed elsewhere", 5)
    );
    assert_eq!(h.app.store.events("workitem", id).await.unwrap().len(), 5);
}

#[test]
fn ids_are_uuids_that_sort_by_the_time_they_were_made() {
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let ids: Vec<String> = (0..50)
        .map(|i| casefile_server::app::new_id(t0 + chrono::Duration::milliseconds(i)))
        .collect();
    for pair in ids.windows(2) {
        assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
    }
    let same_instant: std::collections::HashSet<String> = (0..1000)
        .map(|_| casefile_server::app::new_id(t0))
        .collect();
    assert_eq!(
        same_instant.len(),
        1000,
        "ids made at one instant are still unique"
    );
    for id in &ids {
        // The Genesys SDK's own check of every id it sends.
        let id = uuid::Uuid::parse_str(id).unwrap();
        assert_eq!(id.get_version_num(), 4);
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
    }
}
