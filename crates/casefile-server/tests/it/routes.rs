//! Every route in the OpenAPI document refuses a request without a token, except the few
//! public ones the API module lists with their reasons.

use axum::http::{Method, StatusCode};

use crate::harness::Harness;

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                "00000000-0000-0000-0000-000000000000"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_api_route_refuses_a_missing_or_bad_token() {
    let h = Harness::new().await;
    let doc = serde_json::to_value(casefile_server::api::openapi()).unwrap();
    let public: Vec<&str> = casefile_server::api::PUBLIC_ROUTES
        .iter()
        .map(|(p, _)| *p)
        .collect();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_none() {
                continue;
            }
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            if public.contains(&path.as_str()) {
                continue;
            }
            assert!(
                path.starts_with("/api/v2/"),
                "non-public route outside /api/v2: {path}"
            );
            let url = concrete(path);
            let none = h
                .call(m.clone(), &url, None, Some(serde_json::json!({})))
                .await;
            assert_eq!(
                none.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} without a token"
            );
            let bad = h
                .call(
                    m.clone(),
                    &url,
                    Some("forged-token"),
                    Some(serde_json::json!({})),
                )
                .await;
            assert_eq!(
                bad.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with a forged token"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} routes found");
}

#[tokio::test]
async fn public_routes_are_the_listed_ones() {
    let h = Harness::new().await;
    assert_eq!(
        h.call(Method::GET, "/healthz", None, None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        h.call(Method::GET, "/api/v2/docs/openapi.json", None, None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(casefile_server::api::PUBLIC_ROUTES.len(), 3);
}
