use axum::http::{Method, StatusCode};
use casefile_server::app::{demo, demo_cases, demo_tasks};
use serde_json::json;

use crate::harness::Harness;

const QUERY: &str = "/api/v2/taskmanagement/workitems/query";

#[tokio::test]
async fn demo_data_loads_once_with_both_scenarios() {
    let h = Harness::new().await;
    let home = h.app.store.home_division().await.unwrap();
    let first = demo::load(&h.app, &home).await.unwrap();
    assert_eq!(first.users.len(), 4);
    let count = json!({"select": "Count", "filters": []});
    let before = h
        .call(Method::POST, QUERY, Some(&h.admin), Some(count.clone()))
        .await;
    demo::load(&h.app, &home).await.unwrap();
    let after = h
        .call(Method::POST, QUERY, Some(&h.admin), Some(count))
        .await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(
        before.body["count"], after.body["count"],
        "a second load adds nothing"
    );
    let total = after.body["count"].as_i64().unwrap();
    assert!(
        total > 2 * demo_tasks::WORKITEMS_PER_TYPE as i64,
        "case stages add workitems to the standalone ones"
    );

    let users = h
        .call(Method::GET, "/api/v2/users", Some(&h.admin), None)
        .await;
    assert_eq!(users.body["total"], 4);
    for category in ["Open", "InProgress", "Waiting", "Closed"] {
        let q = json!({"select": "Count", "filters": [{"name": "statusCategory", "operator": "EQ", "values": [category]}]});
        let n = h.call(Method::POST, QUERY, Some(&h.admin), Some(q)).await;
        assert!(n.body["count"].as_i64().unwrap() > 0, "{category}");
    }
    let agent = h
        .token_for("agent2@demo.casefile.local", demo::PASSWORD)
        .await;
    let seen = h
        .call(
            Method::POST,
            QUERY,
            Some(&agent),
            Some(json!({"select": "Count", "filters": []})),
        )
        .await;
    let seen = seen.body["count"].as_i64().unwrap();
    assert!(
        seen > 0 && seen < total,
        "the back-office agent sees escalations only"
    );

    let mut statuses = std::collections::BTreeMap::new();
    for prefix in ["REF", "ESC"] {
        for n in 1..=demo_cases::CASES_PER_PLAN {
            let path = format!("/api/v2/casemanagement/cases/references/{prefix}-{n:06}");
            let reply = h.call(Method::GET, &path, Some(&h.admin), None).await;
            assert_eq!(reply.status, StatusCode::OK, "{prefix}-{n}");
            *statuses
                .entry(reply.body["status"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
    }
    let first = h
        .call(
            Method::GET,
            "/api/v2/casemanagement/cases/references/REF-000001",
            Some(&h.admin),
            None,
        )
        .await;
    let customer = first.body["externalContact"]["id"]
        .as_str()
        .expect("demo cases have customers")
        .to_owned();
    let theirs = h
        .call(
            Method::GET,
            &format!("/api/v2/casemanagement/cases/externalcontacts/{customer}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert!(
        theirs.body["entities"].as_array().unwrap().len() >= 2,
        "a customer has several cases"
    );
    assert!(first.body["customerIntent"]["id"].is_string());
    for status in ["InProgress", "Closed", "Terminated"] {
        assert!(
            statuses.get(status).copied().unwrap_or(0) > 0,
            "{statuses:?}"
        );
    }
    let all = casefile_store::CaseQuery {
        visible: casefile_domain::authz::Divisions::All,
        filters: vec![],
        sort: casefile_store::CaseSort::DateCreated,
        ascending: true,
        offset: 0,
        limit: 1000,
    };
    for case in h.app.store.query_cases(&all).await.unwrap() {
        assert!(case.is_consistent(), "{}", case.reference);
    }
}
