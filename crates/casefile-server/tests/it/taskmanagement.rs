//! Task management end to end through the router: schemas, workbins, worktypes, statuses,
//! workitems, queries, history, auto-transitions, concurrency and isolation.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use casefile_server::workers::Worker;
use casefile_server::workers::auto_transitions::AutoTransitions;
use serde_json::{Value, json};

use crate::harness::Harness;

const TM: &str = "/api/v2/taskmanagement";

pub struct Setup {
    pub workbin: String,
    pub worktype: String,
    pub schema: String,
    pub statuses: Value,
}

fn refund_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "order_id_identifier": {"allOf": [{"$ref": "#/definitions/identifier"}], "title": "Order", "minLength": 1, "maxLength": 20},
            "amount_number": {"allOf": [{"$ref": "#/definitions/number"}], "title": "Amount", "minimum": 0, "maximum": 10000},
            "reason_enum": {"allOf": [{"$ref": "#/definitions/enum"}], "title": "Reason", "enum": ["damaged", "late", "other"],
                "_enumProperties": {"damaged": {"title": "Damaged", "_disabled": false}, "late": {"title": "Late", "_disabled": false}, "other": {"title": "Other", "_disabled": false}}},
            "approved_checkbox": {"allOf": [{"$ref": "#/definitions/checkbox"}], "title": "Approved"}
        },
        "required": ["order_id_identifier"]
    })
}

pub async fn setup(h: &Harness, division: Option<&str>) -> Setup {
    let mut wb = json!({"name": "Refunds inbox"});
    if let Some(d) = division {
        wb["divisionId"] = d.into();
        wb["name"] = format!("Refunds {d}").into();
    }
    let workbin = h
        .call(
            Method::POST,
            &format!("{TM}/workbins"),
            Some(&h.admin),
            Some(wb),
        )
        .await;
    assert_eq!(workbin.status, StatusCode::OK, "{}", workbin.body);
    let schema_name = format!("Refund {}", &workbin.body["id"].as_str().unwrap()[28..]);
    let schema = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/schemas"),
            Some(&h.admin),
            Some(json!({"name": schema_name, "jsonSchema": refund_schema()})),
        )
        .await;
    assert_eq!(schema.status, StatusCode::OK, "{}", schema.body);
    let worktype = h
        .call(
            Method::POST,
            &format!("{TM}/worktypes"),
            Some(&h.admin),
            Some(json!({
                "name": format!("Refund request {}", &workbin.body["id"].as_str().unwrap()[28..]),
                "defaultWorkbinId": workbin.body["id"],
                "schemaId": schema.body["id"],
                "defaultPriority": 10,
                "defaultDueDurationSeconds": 86400,
            })),
        )
        .await;
    assert_eq!(worktype.status, StatusCode::OK, "{}", worktype.body);
    Setup {
        workbin: workbin.body["id"].as_str().unwrap().to_owned(),
        worktype: worktype.body["id"].as_str().unwrap().to_owned(),
        schema: schema.body["id"].as_str().unwrap().to_owned(),
        statuses: worktype.body["statuses"].clone(),
    }
}

pub fn status_id(setup: &Setup, category: &str) -> String {
    setup
        .statuses
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["category"] == category)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn create_workitem(h: &Harness, s: &Setup, name: &str, fields: Value) -> Value {
    let reply = h
        .call(
            Method::POST,
            &format!("{TM}/workitems"),
            Some(&h.admin),
            Some(json!({"name": name, "typeId": s.worktype, "customFields": fields})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body
}

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
async fn custom_fields_are_validated_against_the_schema() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    for (fields, field) in [
        (json!({}), "customFields.order_id_identifier"),
        (
            json!({"order_id_identifier": "A", "amount_number": -1}),
            "customFields.amount_number",
        ),
        (
            json!({"order_id_identifier": "A", "reason_enum": "bored"}),
            "customFields.reason_enum",
        ),
        (
            json!({"order_id_identifier": "A", "approved_checkbox": "yes"}),
            "customFields.approved_checkbox",
        ),
        (
            json!({"order_id_identifier": "A", "unknown_text": "x"}),
            "customFields.unknown_text",
        ),
        (
            json!({"order_id_identifier": "x".repeat(21)}),
            "customFields.order_id_identifier",
        ),
    ] {
        let reply = h
            .call(
                Method::POST,
                &format!("{TM}/workitems"),
                Some(&h.admin),
                Some(json!({"name": "Bad fields", "typeId": s.worktype, "customFields": fields})),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{fields} → {}",
            reply.body
        );
        assert_eq!(reply.field(), field, "{fields} → {}", reply.body);
    }
    let w = create_workitem(
        &h,
        &s,
        "Good fields",
        json!({"order_id_identifier": "A-2", "reason_enum": "damaged"}),
    )
    .await;
    let path = format!("{TM}/workitems/{}", w["id"].as_str().unwrap());
    let patched = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"customFields": {"amount_number": 99, "reason_enum": null}})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(
        patched.body["customFields"],
        json!({"order_id_identifier": "A-2", "amount_number": 99})
    );
    let cleared = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.admin),
            Some(json!({"customFields": {}})),
        )
        .await;
    assert_eq!(cleared.body["customFields"], json!({}));
}

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
async fn queries_filter_sort_and_page_with_cursors() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    let progress = status_id(&s, "InProgress");
    for i in 0..7 {
        let w = create_workitem(
            &h,
            &s,
            &format!("Query item {i}"),
            json!({"order_id_identifier": format!("Q-{i}"), "amount_number": i * 10}),
        )
        .await;
        h.call(
            Method::PATCH,
            &format!("{TM}/workitems/{}", w["id"].as_str().unwrap()),
            Some(&h.admin),
            Some(json!({"priority": 100 - i})),
        )
        .await;
        if i % 2 == 0 {
            h.call(
                Method::PATCH,
                &format!("{TM}/workitems/{}", w["id"].as_str().unwrap()),
                Some(&h.admin),
                Some(json!({"statusId": progress})),
            )
            .await;
        }
    }
    let by_bin_and_category = json!({"filters": [
        {"name": "workbinId", "type": "String", "operator": "EQ", "values": [s.workbin]},
        {"name": "statusCategory", "type": "String", "operator": "EQ", "values": ["InProgress"]}
    ], "sort": {"name": "priority", "ascending": true}, "pageSize": 3});
    let page1 = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/query"),
            Some(&h.admin),
            Some(by_bin_and_category.clone()),
        )
        .await;
    assert_eq!(page1.status, StatusCode::OK, "{}", page1.body);
    let names: Vec<_> = page1.body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["priority"].as_i64().unwrap())
        .collect();
    assert_eq!(names, vec![94, 96, 98]);
    let mut next = by_bin_and_category.clone();
    next["after"] = page1.body["after"].clone();
    let page2 = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/query"),
            Some(&h.admin),
            Some(next),
        )
        .await;
    let names: Vec<_> = page2.body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["priority"].as_i64().unwrap())
        .collect();
    assert_eq!(names, vec![100]);
    assert!(page2.body.get("after").is_none());

    let custom = json!({"filters": [{"name": "customFields.amount_number", "type": "Int", "operator": "GTE", "values": ["40"]}]});
    let found = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/query"),
            Some(&h.admin),
            Some(custom),
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert_eq!(found.body["entities"].as_array().unwrap().len(), 3);

    let count = json!({"select": "Count", "filters": [{"name": "statusCategory", "type": "String", "operator": "IN", "values": ["Open", "InProgress"]}]});
    let counted = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/query"),
            Some(&h.admin),
            Some(count),
        )
        .await;
    assert_eq!(counted.body["count"], 7);

    for (body, field) in [
        (
            json!({"filters": [{"name": "bogus", "type": "String", "operator": "EQ", "values": ["x"]}]}),
            "filters[0].name",
        ),
        (
            json!({"filters": [{"name": "statusCategory", "type": "String", "operator": "EQ", "values": ["Sleeping"]}]}),
            "filters[0].values",
        ),
        (
            json!({"filters": [{"name": "priority", "type": "Int", "operator": "BETWEEN", "values": ["1"]}]}),
            "filters[0].values",
        ),
        (
            json!({"filters": [], "sort": {"name": "name"}}),
            "sort.name",
        ),
        (json!({"filters": [], "pageSize": 201}), "pageSize"),
        (json!({"filters": [], "after": "garbage"}), "after"),
    ] {
        let reply = h
            .call(
                Method::POST,
                &format!("{TM}/workitems/query"),
                Some(&h.admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.field(), field, "{body} → {}", reply.body);
    }
}

#[tokio::test]
async fn case_id_is_a_query_filter() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    let case_id = "6f1c1a1e-0000-4000-8000-000000000042";
    let w = h
        .call(Method::POST, &format!("{TM}/workitems"), Some(&h.admin), Some(json!({"name": "Stage work", "typeId": s.worktype, "caseId": case_id, "customFields": {"order_id_identifier": "C-1"}})))
        .await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.body);
    create_workitem(&h, &s, "Other work", json!({"order_id_identifier": "C-2"})).await;
    let q = json!({"filters": [{"name": "caseId", "type": "String", "operator": "EQ", "values": [case_id]}]});
    let found = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/query"),
            Some(&h.admin),
            Some(q),
        )
        .await;
    let ids: Vec<_> = found.body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].clone())
        .collect();
    assert_eq!(ids, vec![w.body["id"].clone()]);
}

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

#[tokio::test]
async fn schema_updates_make_versions_and_worktypes_keep_theirs() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    let mut schema = refund_schema();
    schema["properties"]["note_text"] =
        json!({"allOf": [{"$ref": "#/definitions/text"}], "title": "Note", "maxLength": 50});
    let v2 = h
        .call(
            Method::PUT,
            &format!("{TM}/workitems/schemas/{}", s.schema),
            Some(&h.admin),
            Some(json!({"name": "Refund v2", "version": 1, "jsonSchema": schema})),
        )
        .await;
    assert_eq!(v2.status, StatusCode::OK, "{}", v2.body);
    assert_eq!(v2.body["version"], 2);
    let stale = h
        .call(
            Method::PUT,
            &format!("{TM}/workitems/schemas/{}", s.schema),
            Some(&h.admin),
            Some(json!({"version": 1, "jsonSchema": schema})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let v1 = h
        .call(
            Method::GET,
            &format!("{TM}/workitems/schemas/{}/versions/1", s.schema),
            Some(&h.admin),
            None,
        )
        .await;
    assert!(
        v1.body["jsonSchema"]["properties"]
            .get("note_text")
            .is_none()
    );
    // The worktype pinned version 1: note_text is unknown there.
    let refused = h
        .call(Method::POST, &format!("{TM}/workitems"), Some(&h.admin), Some(json!({"name": "Pinned", "typeId": s.worktype, "customFields": {"order_id_identifier": "P", "note_text": "hi"}})))
        .await;
    assert_eq!(refused.field(), "customFields.note_text");
    let repin = h
        .call(
            Method::PATCH,
            &format!("{TM}/worktypes/{}", s.worktype),
            Some(&h.admin),
            Some(json!({"schemaVersion": 2})),
        )
        .await;
    assert_eq!(repin.status, StatusCode::OK, "{}", repin.body);
    create_workitem(
        &h,
        &s,
        "Pinned v2",
        json!({"order_id_identifier": "P", "note_text": "hi"}),
    )
    .await;
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

async fn wait_for_job(h: &Harness, path: &str) -> Value {
    h.poll_until(path, |j| {
        matches!(
            j["state"].as_str(),
            Some("Succeeded" | "Failed" | "Terminated")
        )
    })
    .await
}

#[tokio::test]
async fn query_jobs_page_by_number_with_custom_field_filters() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    for i in 0..5 {
        create_workitem(
            &h,
            &s,
            &format!("Job item {i}"),
            json!({"order_id_identifier": format!("J-{i}"), "amount_number": i}),
        )
        .await;
        h.clock.advance(Duration::from_secs(1));
    }
    let body = json!({
        "pageSize": 2, "pageNumber": 2,
        "filters": [{"name": "workbinId", "operator": "EQ", "values": [s.workbin]}],
        "queryFilters": [{"name": "customFields", "operator": "AND", "criteria": [{"operator": "AND", "predicates": [{"name": "amount_number", "operator": "GTE", "values": [1]}]}]}],
        "sort": {"name": "dateCreated", "ascending": true}
    });
    let job = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/query/jobs"),
            Some(&h.admin),
            Some(body),
        )
        .await;
    assert_eq!(job.status, StatusCode::ACCEPTED, "{}", job.body);
    let path = format!(
        "{TM}/workitems/query/jobs/{}",
        job.body["id"].as_str().unwrap()
    );
    let done = wait_for_job(&h, &path).await;
    assert_eq!(done["state"], "Succeeded", "{done}");
    let results = h
        .call(
            Method::GET,
            &format!("{path}/results"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(results.body["total"], 4);
    assert_eq!(results.body["pageCount"], 2);
    let names: Vec<_> = results.body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, vec!["Job item 3", "Job item 4"]);
    let other = h.create_user("snoop@example.com", None, "supervisor").await;
    assert!(other["id"].is_string());
    let snoop = h.user_token("snoop@example.com").await;
    assert_eq!(
        h.call(Method::GET, &path, Some(&snoop), None).await.status,
        StatusCode::NOT_FOUND,
        "jobs are their owner's"
    );
    let or = json!({"queryFilters": [{"name": "customFields", "operator": "OR", "criteria": [{"predicates": [{"name": "amount_number", "operator": "EQ", "values": [1]}]}]}]});
    let refused = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/query/jobs"),
            Some(&h.admin),
            Some(or),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.field(), "queryFilters[0].operator");
}

#[tokio::test]
async fn bulk_add_and_terminate_jobs_report_each_item() {
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    let entities = json!([
        {"name": "Bulk one", "typeId": s.worktype, "customFields": {"order_id_identifier": "B-1"}},
        {"name": "Bulk two", "typeId": s.worktype, "customFields": {"amount_number": 5}},
        {"name": "Bulk three", "typeId": s.worktype, "customFields": {"order_id_identifier": "B-3"}}
    ]);
    let job = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/bulk/add/jobs"),
            Some(&h.admin),
            Some(json!({"entities": entities})),
        )
        .await;
    assert_eq!(job.status, StatusCode::OK, "{}", job.body);
    assert_eq!(job.body["action"], "AddWorkitems");
    let path = format!(
        "{TM}/workitems/bulk/add/jobs/{}",
        job.body["id"].as_str().unwrap()
    );
    let done = wait_for_job(&h, &path).await;
    assert_eq!(
        (done["successfulCount"].clone(), done["failedCount"].clone()),
        (json!(2), json!(1))
    );
    let results = h
        .call(
            Method::GET,
            &format!("{path}/results"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(results.body["errorIndexes"], json!([1]));
    assert!(
        results.body["results"][1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("order_id_identifier")
    );
    let added: Vec<String> = [0, 2]
        .iter()
        .map(|i| {
            results.body["results"][*i]["entity"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for id in &added {
        assert_eq!(
            h.call(
                Method::GET,
                &format!("{TM}/workitems/{id}"),
                Some(&h.admin),
                None
            )
            .await
            .status,
            StatusCode::OK
        );
    }
    let terminate =
        json!({"entities": [{"id": added[0]}, {"id": "00000000-0000-4000-8000-000000000000"}]});
    let tjob = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/bulk/terminate/jobs"),
            Some(&h.admin),
            Some(terminate),
        )
        .await;
    let tpath = format!(
        "{TM}/workitems/bulk/terminate/jobs/{}",
        tjob.body["id"].as_str().unwrap()
    );
    let tdone = wait_for_job(&h, &tpath).await;
    assert_eq!(
        (
            tdone["successfulCount"].clone(),
            tdone["failedCount"].clone()
        ),
        (json!(1), json!(1))
    );
    let w = h
        .call(
            Method::GET,
            &format!("{TM}/workitems/{}", added[0]),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(w.body["assignmentState"], "Terminated");
    let mine = h
        .call(
            Method::GET,
            &format!("{TM}/workitems/bulk/jobs/users/me"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(mine.body["entities"].as_array().unwrap().len(), 2);
    let too_many: Vec<Value> = (0..51)
        .map(|i| json!({"name": format!("Item {i}"), "typeId": s.worktype}))
        .collect();
    let refused = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/bulk/add/jobs"),
            Some(&h.admin),
            Some(json!({"entities": too_many})),
        )
        .await;
    assert_eq!(refused.field(), "entities");
}

#[tokio::test]
async fn a_job_cut_off_by_a_crash_runs_after_restart() {
    use casefile_server::app::task::jobs;
    let h = Harness::new().await;
    let s = setup(&h, None).await;
    create_workitem(&h, &s, "Recovered", json!({"order_id_identifier": "X"})).await;
    let caller = casefile_server::app::sessions::authenticate(&h.app, &h.admin)
        .await
        .unwrap();
    let body = json!({"filters": [{"name": "workbinId", "operator": "EQ", "values": [s.workbin]}]});
    let (query, _) = {
        let cfg: casefile_server::api::task_query::ConfigQuery =
            serde_json::from_value(body).unwrap();
        casefile_server::api::task_query::workitem_query(&cfg).unwrap()
    };
    // Simulate a crash mid-run: the job is stored as Running with nobody running it.
    let job = jobs::submit_without_starting(
        &h.app,
        &caller,
        jobs::Kind::QueryWorkitems,
        jobs::Request::Query {
            query: jobs::QuerySpec { query },
            page_number: 1,
        },
    )
    .await
    .unwrap();
    jobs::mark_running(&h.app, &job.id).await.unwrap();
    let restarted = casefile_server::server::open(
        (*h.app.config).clone(),
        std::sync::Arc::new(h.clock.clone()),
    )
    .await
    .unwrap();
    let worker = casefile_server::workers::jobs::Jobs::new(restarted);
    assert!(matches!(
        worker.tick(h.app.clock.now()).await.unwrap(),
        casefile_server::workers::Outcome::Worked(_)
    ));
    let done = h
        .call(
            Method::GET,
            &format!("{TM}/workitems/query/jobs/{}", job.id),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(done.body["state"], "Succeeded");
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
    h.app
        .store
        .update_workitem(&elsewhere, expected, &change)
        .await
        .unwrap();
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
