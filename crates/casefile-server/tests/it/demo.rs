use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::Harness;

#[tokio::test]
async fn demo_data_loads_once_with_both_scenarios() {
    let h = Harness::new().await;
    let home = h.app.store.home_division().await.unwrap();
    let first = casefile_server::app::demo::load(&h.app, &home)
        .await
        .unwrap();
    assert_eq!(first.users.len(), 4);
    casefile_server::app::demo::load(&h.app, &home)
        .await
        .unwrap();
    let count = json!({"select": "Count", "filters": []});
    let reply = h
        .call(
            Method::POST,
            "/api/v2/taskmanagement/workitems/query",
            Some(&h.admin),
            Some(count),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.body["count"],
        2 * casefile_server::app::demo_tasks::WORKITEMS_PER_TYPE
    );
    let users = h
        .call(Method::GET, "/api/v2/users", Some(&h.admin), None)
        .await;
    assert_eq!(users.body["total"], 4);
    for category in ["Open", "InProgress", "Waiting", "Closed"] {
        let q = json!({"select": "Count", "filters": [{"name": "statusCategory", "operator": "EQ", "values": [category]}]});
        let n = h
            .call(
                Method::POST,
                "/api/v2/taskmanagement/workitems/query",
                Some(&h.admin),
                Some(q),
            )
            .await;
        assert!(n.body["count"].as_i64().unwrap() > 0, "{category}");
    }
    let agent = h
        .token_for(
            "agent2@demo.casefile.local",
            casefile_server::app::demo::PASSWORD,
        )
        .await;
    let seen = h
        .call(
            Method::POST,
            "/api/v2/taskmanagement/workitems/query",
            Some(&agent),
            Some(json!({"select": "Count", "filters": []})),
        )
        .await;
    assert_eq!(
        seen.body["count"],
        casefile_server::app::demo_tasks::WORKITEMS_PER_TYPE,
        "the back-office agent sees escalations only"
    );
}
