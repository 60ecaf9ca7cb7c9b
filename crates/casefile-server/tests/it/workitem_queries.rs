//! Task management end to end through the router: workitem queries (filters, sort, cursor
//! pages, counts, custom fields, case ids) and the refusals of bad ones.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::Harness;
use crate::task_fixtures::{TM, create_workitem, setup, status_id};

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
    // Without a type, the attribute's core type (its name's suffix) decides: a number.
    let untyped = json!({"filters": [{"name": "customFields.amount_number", "operator": "GTE", "values": ["40"]}]});
    let found = h
        .call(
            Method::POST,
            &format!("{TM}/workitems/query"),
            Some(&h.admin),
            Some(untyped),
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
            json!({"filters": [{"name": "name", "type": "Int", "operator": "EQ", "values": ["1"]}]}),
            "filters[0].type",
        ),
        (
            json!({"filters": [{"name": "priority", "type": "String", "operator": "EQ", "values": ["1"]}]}),
            "filters[0].type",
        ),
        (
            json!({"filters": [{"name": "priority", "type": "Int", "operator": "CONTAINS", "values": ["1"]}]}),
            "filters[0].operator",
        ),
        (
            json!({"filters": [{"name": "dateDue", "operator": "BEGINS_WITH", "values": ["2026-01-01T00:00:00Z"]}]}),
            "filters[0].operator",
        ),
        (
            json!({"filters": [{"name": "customFields.note_text", "type": "Int", "operator": "GT", "values": ["1"]}]}),
            "filters[0].type",
        ),
        (
            json!({"filters": [{"name": "customFields.amount_number", "operator": "CONTAINS", "values": ["1"]}]}),
            "filters[0].operator",
        ),
        (
            json!({"filters": [{"name": "customFields.urgent_checkbox", "operator": "EQ", "values": ["yes"]}]}),
            "filters[0].values",
        ),
        (
            json!({"filters": [{"name": "customFields.amount", "operator": "EQ", "values": ["1"]}]}),
            "filters[0].name",
        ),
        (
            json!({"filters": [{"name": "workbinId", "operator": "EQ", "values": ["x"]}, {"name": "priority", "type": "Boolean", "operator": "EQ", "values": ["1"]}]}),
            "filters[1].type",
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
