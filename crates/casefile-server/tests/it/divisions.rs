use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::Harness;

#[tokio::test]
async fn divisions_crud_with_home_and_object_counts() {
    let h = Harness::new().await;
    let home = h
        .call(
            Method::GET,
            "/api/v2/authorization/divisions/home",
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(home.body["homeDivision"], true);
    assert_eq!(home.body["name"], "Home");

    let created = h
        .call(
            Method::POST,
            "/api/v2/authorization/divisions",
            Some(&h.admin),
            Some(json!({"name": "Claims", "description": "Insurance claims"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.body["homeDivision"], false);

    let dup = h
        .call(
            Method::POST,
            "/api/v2/authorization/divisions",
            Some(&h.admin),
            Some(json!({"name": "claims"})),
        )
        .await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    assert_eq!(dup.field(), "name");

    let put = h
        .call(
            Method::PUT,
            &format!("/api/v2/authorization/divisions/{id}"),
            Some(&h.admin),
            Some(json!({"name": "Claims EU", "homeDivision": true})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK);
    assert_eq!(put.body["name"], "Claims EU");
    assert_eq!(put.body["homeDivision"], false, "homeDivision is read-only");
    assert!(
        put.body.get("description").is_none(),
        "PUT replaces the description"
    );

    let patch = h
        .call(
            Method::PATCH,
            &format!("/api/v2/authorization/divisions/{id}"),
            Some(&h.admin),
            Some(json!({"description": "EU claims", "version": 2})),
        )
        .await;
    assert_eq!(patch.status, StatusCode::OK, "{}", patch.body);
    assert_eq!(patch.body["name"], "Claims EU");
    let stale = h
        .call(
            Method::PATCH,
            &format!("/api/v2/authorization/divisions/{id}"),
            Some(&h.admin),
            Some(json!({"description": "x", "version": 2})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    h.create_user("member@example.com", Some(&id), "agent")
        .await;
    let counted = h
        .call(
            Method::GET,
            &format!("/api/v2/authorization/divisions/{id}?objectCount=true"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(counted.body["objectCounts"]["user"], 1);
    let listing = h
        .call(
            Method::GET,
            "/api/v2/authorization/divisions?objectCount=true",
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(listing.body["total"], 2);
    assert_eq!(
        listing.body["entities"][0]["homeDivision"], true,
        "home division first"
    );

    let busy = h
        .call(
            Method::DELETE,
            &format!("/api/v2/authorization/divisions/{id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(busy.status, StatusCode::CONFLICT);
    let home_id = home.body["id"].as_str().unwrap();
    let home_delete = h
        .call(
            Method::DELETE,
            &format!("/api/v2/authorization/divisions/{home_id}"),
            Some(&h.admin),
            None,
        )
        .await;
    // A well-formed request the home division's state refuses, like a division in use.
    assert_eq!(home_delete.status, StatusCode::CONFLICT);

    let empty = h.create_division("Empty").await;
    let gone = h
        .call(
            Method::DELETE,
            &format!("/api/v2/authorization/divisions/{empty}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(
        h.call(
            Method::GET,
            &format!("/api/v2/authorization/divisions/{empty}"),
            Some(&h.admin),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let events = h.app.store.events("division", &empty).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        vec!["division.created", "division.deleted"]
    );
}

#[tokio::test]
async fn only_organisation_wide_admins_create_divisions() {
    let h = Harness::new().await;
    h.create_user("sup@example.com", None, "supervisor").await;
    let token = h.user_token("sup@example.com").await;
    let refused = h
        .call(
            Method::POST,
            "/api/v2/authorization/divisions",
            Some(&token),
            Some(json!({"name": "Mine"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let missing = h
        .call(
            Method::POST,
            "/api/v2/authorization/divisions",
            Some(&h.admin),
            Some(json!({"description": "no name"})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.field(), "name");
}
