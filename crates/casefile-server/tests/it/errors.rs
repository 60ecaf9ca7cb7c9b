use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::Harness;

fn assert_genesys_body(body: &serde_json::Value, status: u16) {
    for key in [
        "message",
        "code",
        "status",
        "messageParams",
        "contextId",
        "details",
        "errors",
    ] {
        assert!(body.get(key).is_some(), "error body lacks {key}: {body}");
    }
    assert_eq!(body["status"], status);
}

#[tokio::test]
async fn malformed_bodies_get_400_naming_the_field() {
    let h = Harness::new().await;
    let cases = [
        (r#"{"name": "x", "email": "#, "body"),
        (
            r#"{"name": "x", "email": "a@b.co", "bogus": true}"#,
            "bogus",
        ),
        (r#"{"name": 42, "email": "a@b.co"}"#, "name"),
        (r#"{"email": "a@b.co"}"#, "name"),
        (r#"{"name": "x", "email": "not-an-email"}"#, "email"),
        (
            r#"{"name": "x", "email": "a@b.co", "state": "sleeping"}"#,
            "state",
        ),
        (
            r#"{"name": "x", "email": "a@b.co", "addresses": [{"address": "1", "mediaType": "FAX", "type": "WORK"}]}"#,
            "addresses[0].mediaType",
        ),
        (
            r#"{"name": "x", "email": "a@b.co", "addresses": [{"address": "abc", "mediaType": "PHONE", "type": "WORK"}]}"#,
            "addresses[0].address",
        ),
        (
            r#"{"name": "x", "email": "a@b.co", "password": "short"}"#,
            "password",
        ),
        (r#"{"name": "", "email": "a@b.co"}"#, "name"),
        (r#"[1, 2]"#, "body"),
    ];
    for (body, field) in cases {
        let reply = h
            .raw(
                Method::POST,
                "/api/v2/users",
                &h.admin,
                "application/json",
                body,
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body} → {}",
            reply.body
        );
        assert_eq!(reply.field(), field, "{body} → {}", reply.body);
        assert_genesys_body(&reply.body, 400);
    }
    let listed = h
        .call(Method::GET, "/api/v2/users?state=any", Some(&h.admin), None)
        .await;
    assert_eq!(listed.body["total"], 0, "no refused body created a user");
}

#[tokio::test]
async fn out_of_range_and_unknown_patch_fields_are_refused() {
    let h = Harness::new().await;
    let user = h.create_user("p@example.com", None, "agent").await;
    let path = format!("/api/v2/users/{}", user["id"].as_str().unwrap());
    let long = "x".repeat(300);
    for (body, field) in [
        (json!({"version": 2, "title": long}), "title"),
        (
            json!({"version": 2, "biography": {"biography": "x"}}),
            "biography",
        ),
        (json!({"version": "two"}), "version"),
        (
            json!({"version": 2, "manager": "00000000-0000-0000-0000-000000000000"}),
            "manager",
        ),
    ] {
        let reply = h
            .call(Method::PATCH, &path, Some(&h.admin), Some(body.clone()))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body} → {}",
            reply.body
        );
        assert_eq!(reply.field(), field, "{body} → {}", reply.body);
    }
    let unchanged = h.call(Method::GET, &path, Some(&h.admin), None).await;
    assert_eq!(unchanged.body["version"], user["version"]);
}

#[tokio::test]
async fn oversized_and_non_json_bodies() {
    let h = Harness::with_config(|c| c.max_body_bytes = 4096).await;
    let big = format!(r#"{{"name": "{}", "email": "a@b.co"}}"#, "x".repeat(10_000));
    let reply = h
        .raw(
            Method::POST,
            "/api/v2/users",
            &h.admin,
            "application/json",
            &big,
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_genesys_body(&reply.body, 413);
    let text = h
        .raw(Method::POST, "/api/v2/users", &h.admin, "text/plain", "{}")
        .await;
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let form = format!("grant_type=client_credentials&pad={}", "x".repeat(10_000));
    let token = h.token_reply(("any", "secret"), &form).await;
    assert_eq!(token.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_genesys_body(&token.body, 413);
}

#[tokio::test]
async fn errors_quote_the_request_id_and_unknown_routes_are_genesys_404s() {
    let h = Harness::new().await;
    let request = axum::http::Request::builder()
        .uri("/api/v2/nothing-here")
        .header("x-request-id", "trace-me-123")
        .body(axum::body::Body::empty())
        .unwrap();
    let reply = h.send(request).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_genesys_body(&reply.body, 404);
    assert_eq!(reply.body["contextId"], "trace-me-123");
    assert_eq!(reply.headers["x-request-id"], "trace-me-123");
    let missing = h
        .call(Method::GET, "/api/v2/users/nope", Some(&h.admin), None)
        .await;
    assert_eq!(
        missing.body["contextId"],
        missing.headers["x-request-id"].to_str().unwrap()
    );
}
