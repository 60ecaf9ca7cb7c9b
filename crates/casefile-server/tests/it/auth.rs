use std::time::Duration;

use axum::http::{Method, StatusCode};

use crate::harness::{ADMIN_ID, ADMIN_SECRET, Harness, PASSWORD};

#[tokio::test]
async fn client_credentials_token_has_the_oauth_shape() {
    let h = Harness::new().await;
    let reply = h
        .token_reply((ADMIN_ID, ADMIN_SECRET), "grant_type=client_credentials")
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["token_type"], "bearer");
    assert_eq!(reply.body["expires_in"], 86_400);
    assert!(reply.body["access_token"].as_str().unwrap().len() >= 40);
}

#[tokio::test]
async fn wrong_secret_and_unknown_client_get_401() {
    let h = Harness::new().await;
    let wrong = h
        .token_reply(
            (ADMIN_ID, "not-the-secret"),
            "grant_type=client_credentials",
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["status"], 401);
    let unknown = h
        .token_reply(("nobody", ADMIN_SECRET), "grant_type=client_credentials")
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let grant = h
        .token_reply((ADMIN_ID, ADMIN_SECRET), "grant_type=implicit")
        .await;
    assert_eq!(grant.status, StatusCode::BAD_REQUEST);
    assert_eq!(grant.field(), "grant_type");
}

#[tokio::test]
async fn token_is_refused_after_expiry() {
    let h = Harness::new().await;
    let token = h.client_token(ADMIN_ID, ADMIN_SECRET).await;
    assert_eq!(
        h.call(Method::GET, "/api/v2/users", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    h.clock.advance(Duration::from_secs(86_400 - 1));
    assert_eq!(
        h.call(Method::GET, "/api/v2/users", Some(&token), None)
            .await
            .status,
        StatusCode::OK
    );
    h.clock.advance(Duration::from_secs(1));
    let expired = h
        .call(Method::GET, "/api/v2/users", Some(&token), None)
        .await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert!(
        expired.body["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

#[tokio::test]
async fn unknown_and_malformed_bearer_tokens_get_401() {
    let h = Harness::new().await;
    for header in ["Bearer nonsense", "Bearer ", "Basic abc", "bearer"] {
        let request = axum::http::Request::builder()
            .uri("/api/v2/users")
            .header("authorization", header)
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(
            h.send(request).await.status,
            StatusCode::UNAUTHORIZED,
            "{header}"
        );
    }
}

#[tokio::test]
async fn password_grant_acts_as_the_user_and_refuses_wrong_passwords() {
    let h = Harness::new().await;
    let user = h.create_user("ann@example.com", None, "agent").await;
    let token = h.user_token("ann@example.com").await;
    let me = h
        .call(Method::GET, "/api/v2/users/me", Some(&token), None)
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["id"], user["id"]);

    let wrong = h
        .token_reply(
            (ADMIN_ID, ADMIN_SECRET),
            "grant_type=password&username=ann%40example.com&password=wrong-password",
        )
        .await;
    let unknown = h
        .token_reply(
            (ADMIN_ID, ADMIN_SECRET),
            &format!("grant_type=password&username=nobody%40example.com&password={PASSWORD}"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.body["message"], unknown.body["message"],
        "unknown user and wrong password look the same"
    );
}

#[tokio::test]
async fn client_credentials_have_no_me() {
    let h = Harness::new().await;
    let reply = h
        .call(Method::GET, "/api/v2/users/me", Some(&h.admin), None)
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body["code"], "user.context.required");
}

#[tokio::test]
async fn deactivated_users_tokens_stop_working() {
    let h = Harness::new().await;
    let user = h.create_user("leaver@example.com", None, "agent").await;
    let token = h.user_token("leaver@example.com").await;
    let id = user["id"].as_str().unwrap();
    let body = serde_json::json!({"state": "inactive", "version": user["version"]});
    assert_eq!(
        h.call(
            Method::PATCH,
            &format!("/api/v2/users/{id}"),
            Some(&h.admin),
            Some(body)
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        h.call(Method::GET, "/api/v2/users/me", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn over_the_quota_every_refusal_is_429_with_retry_after() {
    let h = Harness::with_config(|c| c.rate_limit_per_minute = 5).await;
    let mut refused = 0;
    for _ in 0..12 {
        let reply = h
            .call(Method::GET, "/api/v2/users", Some(&h.admin), None)
            .await;
        match reply.status {
            StatusCode::OK => {}
            StatusCode::TOO_MANY_REQUESTS => {
                refused += 1;
                let retry: u64 = reply.headers["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=60).contains(&retry));
                assert_eq!(reply.body["code"], "too.many.requests");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(refused, 7);
    h.clock.advance(Duration::from_secs(12));
    assert_eq!(
        h.call(Method::GET, "/api/v2/users", Some(&h.admin), None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn bootstrap_client_secret_follows_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let url = casefile_store::testing::fresh_database_url(dir.path()).await;
    let clock = casefile_server::clock::ManualClock::new(
        chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(20_000),
    );
    for secret in ["first-secret-0123456789", "second-secret-0123456789"] {
        let config = casefile_server::config::Config {
            database_url: url.clone(),
            admin_client_id: Some("boot".into()),
            admin_client_secret: Some(secret.into()),
            ..Default::default()
        };
        let app = casefile_server::server::open(config, std::sync::Arc::new(clock.clone()))
            .await
            .unwrap();
        assert!(
            casefile_server::app::sessions::client_credentials(&app, "boot", secret, None)
                .await
                .is_ok()
        );
        if secret.starts_with("second") {
            assert!(
                casefile_server::app::sessions::client_credentials(
                    &app,
                    "boot",
                    "first-secret-0123456789",
                    None
                )
                .await
                .is_err()
            );
        }
    }
}

/// `/oauth/token` with the API rate limit off: ten wrong passwords for one user, then 429 with
/// `Retry-After` even for the right one, other users unaffected, lifting by itself; the same
/// for wrong client secrets.
#[tokio::test]
async fn guessing_credentials_is_locked_out_after_ten_failures_and_lifts_by_itself() {
    use casefile_server::app::login_guard::{LOCKOUT_SECONDS, MAX_FAILURES};
    let h = Harness::new().await;
    h.create_user("ann@example.com", None, "agent").await;
    h.create_user("bob@example.com", None, "agent").await;
    let form = |user: &str, pw: &str| format!("grant_type=password&username={user}&password={pw}");
    for _ in 0..MAX_FAILURES {
        let r = h
            .token_reply((ADMIN_ID, ADMIN_SECRET), &form("ann@example.com", "guess"))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let right = form("Ann@example.com", "correct+horse+battery");
    let locked = h.token_reply((ADMIN_ID, ADMIN_SECRET), &right).await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        locked.body
    );
    let retry: i64 = locked.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= LOCKOUT_SECONDS, "{retry}");
    let other = h
        .token_reply(
            (ADMIN_ID, ADMIN_SECRET),
            &form("bob@example.com", "correct+horse+battery"),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK, "{}", other.body);
    h.clock
        .advance(std::time::Duration::from_secs(LOCKOUT_SECONDS as u64));
    let lifted = h.token_reply((ADMIN_ID, ADMIN_SECRET), &right).await;
    assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.body);

    for _ in 0..MAX_FAILURES {
        let r = h
            .token_reply((ADMIN_ID, "wrong-secret"), "grant_type=client_credentials")
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let r = h
        .token_reply((ADMIN_ID, ADMIN_SECRET), "grant_type=client_credentials")
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.headers.contains_key("retry-after"));
    h.clock
        .advance(std::time::Duration::from_secs(LOCKOUT_SECONDS as u64));
    let r = h
        .token_reply((ADMIN_ID, ADMIN_SECRET), "grant_type=client_credentials")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// One address spraying guesses over many accounts (each under its own bound) is locked out
/// at the address's higher bound, with the right secret too, while other addresses are served;
/// it lifts by itself.
#[tokio::test]
async fn one_address_spraying_many_accounts_is_locked_out() {
    use axum::body::Body;
    use axum::extract::ConnectInfo;
    use base64::Engine;
    use casefile_server::app::login_guard::{IP_MAX_FAILURES, LOCKOUT_SECONDS};
    let h = Harness::new().await;
    let attempt = |id: String, secret: &str, from: &str| {
        let auth = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        axum::http::Request::builder()
            .method(Method::POST)
            .uri("/oauth/token")
            .header("authorization", format!("Basic {auth}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .extension(ConnectInfo(from.parse::<std::net::SocketAddr>().unwrap()))
            .body(Body::from("grant_type=client_credentials"))
            .unwrap()
    };
    for i in 0..IP_MAX_FAILURES {
        let r = h
            .send(attempt(format!("made-up-{i}"), "guess", "192.0.2.7:4000"))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "attempt {i}: {}",
            r.body
        );
    }
    let locked = h
        .send(attempt(ADMIN_ID.to_owned(), ADMIN_SECRET, "192.0.2.7:4001"))
        .await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        locked.body
    );
    assert!(locked.headers.contains_key("retry-after"));
    let elsewhere = h
        .send(attempt(
            ADMIN_ID.to_owned(),
            ADMIN_SECRET,
            "198.51.100.1:4000",
        ))
        .await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.body);
    h.clock
        .advance(std::time::Duration::from_secs(LOCKOUT_SECONDS as u64));
    let lifted = h
        .send(attempt(ADMIN_ID.to_owned(), ADMIN_SECRET, "192.0.2.7:4002"))
        .await;
    assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.body);
}
