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

/// Every operation of the document has a row in the permission table, and every row is an
/// operation (the table cannot go stale).
#[test]
fn every_operation_declares_its_permission() {
    use casefile_server::api::permissions::{ROUTES, need};
    let doc = serde_json::to_value(casefile_server::api::openapi()).unwrap();
    let public: Vec<&str> = casefile_server::api::PUBLIC_ROUTES
        .iter()
        .map(|(p, _)| *p)
        .collect();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_none() || public.contains(&path.as_str()) {
                continue;
            }
            operations += 1;
            assert!(
                need(&method.to_uppercase(), path).is_some(),
                "{method} {path} has no row in api/permissions.rs"
            );
        }
    }
    assert_eq!(operations, ROUTES.len(), "rows without an operation");
}

/// A caller who holds none of a route's permissions gets 403 before anything of the request
/// is read: an empty body, a bad id and a bad page size are not looked at. Generated from the
/// permission table: a user with no grants on every permissioned route, and an agent on every
/// route whose permissions the agent role lacks.
#[tokio::test]
async fn permission_is_checked_before_validation_on_every_route() {
    use casefile_domain::authz::Role;
    use casefile_server::api::permissions::{Need, ROUTES};
    let h = Harness::new().await;
    h.create_user("nobody@example.com", None, "Agent").await;
    let nobody_id = h
        .call(
            Method::GET,
            "/api/v2/users?pageSize=100",
            Some(&h.admin),
            None,
        )
        .await
        .body["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "nobody@example.com")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cleared = h
        .call(
            Method::PUT,
            &format!("/api/v2/users/{nobody_id}/roles"),
            Some(&h.admin),
            Some(serde_json::json!([])),
        )
        .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);
    let nobody = h.user_token("nobody@example.com").await;
    h.create_user("agent@example.com", None, "Agent").await;
    let agent = h.user_token("agent@example.com").await;
    let mut refused = 0;
    for (method, path, need) in ROUTES {
        let Need::Any(needed) = need else { continue };
        let url = format!("{}?pageSize=-1", concrete(path));
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let mut callers = vec![("a user without grants", &nobody)];
        if !needed.iter().any(|p| Role::Agent.has(*p)) {
            callers.push(("an agent", &agent));
        }
        for (who, token) in callers {
            let reply = h
                .call(m.clone(), &url, Some(token), Some(serde_json::json!({})))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{method} {path} by {who}: {}",
                reply.body
            );
            assert_eq!(reply.body["code"], "missing.permissions", "{method} {path}");
            refused += 1;
        }
    }
    assert!(refused > 150, "only {refused} refusals checked");
}

/// HEAD is answered by the GET handler and needs what GET needs (it had no row and answered
/// 500): every GET route answers HEAD as it answers GET.
#[tokio::test]
async fn head_is_checked_like_get() {
    let h = Harness::new().await;
    use casefile_server::api::permissions::ROUTES;
    let mut checked = 0;
    for (method, path, _) in ROUTES.iter().filter(|(m, _, _)| *m == "GET") {
        let url = concrete(path);
        let get = h.call(Method::GET, &url, Some(&h.admin), None).await;
        let head = h.call(Method::HEAD, &url, Some(&h.admin), None).await;
        assert_eq!(head.status, get.status, "{method} {path}");
        checked += 1;
    }
    assert!(checked > 50, "only {checked} GET routes");
}
