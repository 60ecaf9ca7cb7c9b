//! Standard response headers: `nosniff` on every response, `no-store` on the token response
//! and on API answers (tokens, personal data), and the `WWW-Authenticate` challenge on 401s.

use axum::http::{Method, StatusCode};

use crate::harness::{ADMIN_ID, Harness};

fn header<'a>(r: &'a crate::harness::Reply, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn responses_carry_the_standard_headers() {
    let h = Harness::new().await;

    let token = h
        .token_reply(
            (ADMIN_ID, crate::harness::ADMIN_SECRET),
            "grant_type=client_credentials",
        )
        .await;
    assert_eq!(token.status, StatusCode::OK);
    assert_eq!(header(&token, "cache-control"), "no-store");
    assert_eq!(header(&token, "x-content-type-options"), "nosniff");

    let bad_client = h
        .token_reply((ADMIN_ID, "wrong"), "grant_type=client_credentials")
        .await;
    assert_eq!(bad_client.status, StatusCode::UNAUTHORIZED);
    assert!(header(&bad_client, "www-authenticate").starts_with("Basic"));

    let users = h
        .call(Method::GET, "/api/v2/users/me", Some(&h.admin), None)
        .await;
    assert_eq!(
        header(&users, "cache-control"),
        "no-store",
        "{}",
        users.body
    );
    assert_eq!(header(&users, "x-content-type-options"), "nosniff");

    for token in [None, Some("not-a-token")] {
        let r = h.call(Method::GET, "/api/v2/users", token, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(
            header(&r, "www-authenticate").starts_with("Bearer"),
            "{:?}",
            r.headers
        );
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    }

    let missing = h.call(Method::GET, "/nowhere", None, None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(header(&missing, "x-content-type-options"), "nosniff");

    let doc = h
        .call(Method::GET, "/api/v2/docs/openapi.json", None, None)
        .await;
    assert_eq!(header(&doc, "x-content-type-options"), "nosniff");
    assert_ne!(header(&doc, "cache-control"), "no-store");
}
