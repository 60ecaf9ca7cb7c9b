//! The served OpenAPI document is generated from the code and must match the committed
//! snapshot; regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p casefile-server openapi`.

use axum::http::Method;

use crate::harness::Harness;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");

#[tokio::test]
async fn served_document_matches_the_snapshot() {
    let h = Harness::new().await;
    let served = h
        .call(Method::GET, "/api/v2/docs/openapi.json", None, None)
        .await
        .body;
    let text = serde_json::to_string_pretty(&served).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(SNAPSHOT, &text).unwrap();
    }
    let committed = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    assert!(
        committed == text,
        "the OpenAPI document changed; review and run UPDATE_SNAPSHOTS=1 cargo test -p casefile-server openapi"
    );
    for path in [
        "/api/v2/users",
        "/api/v2/users/{userId}",
        "/api/v2/authorization/divisions",
        "/oauth/token",
    ] {
        assert!(served["paths"].get(path).is_some(), "{path} is documented");
    }
    assert!(served["components"]["schemas"].get("ErrorBody").is_some());
}
