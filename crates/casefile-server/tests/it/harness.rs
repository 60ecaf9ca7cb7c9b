//! A server per test: fresh database, manual clock, bootstrap admin client.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use casefile_server::app::App;
use casefile_server::clock::ManualClock;
use casefile_server::config::Config;
use chrono::TimeZone;
use serde_json::Value;
use tower::ServiceExt;

pub const ADMIN_ID: &str = "test-admin";
pub const ADMIN_SECRET: &str = "test-admin-secret-0123456789";
pub const PASSWORD: &str = "correct horse battery";

/// How long a test waits for a background job before it fails. Jobs run on this runtime but
/// write through the store's writer and syncer threads, whose pace depends on the machine and
/// its disk (a count of polls was not a bound: under load a job outlived 200,000 of them). The
/// bound is real time only so that a stuck job fails the test instead of hanging it; no test
/// asserts on how long anything takes.
pub const JOB_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Warnings and errors of the server under test, shown with a failing test's output
/// (`RUST_LOG` picks other levels).
pub fn init_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,sqlx=error"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    });
}

pub struct Harness {
    pub app: App,
    pub router: Router,
    pub clock: ManualClock,
    pub admin: String,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: HeaderMap,
}

impl Reply {
    /// The `field` message parameter of a Genesys error body.
    pub fn field(&self) -> &str {
        self.body["messageParams"]["field"].as_str().unwrap_or("")
    }
}

impl Harness {
    pub async fn new() -> Harness {
        Self::with_config(|_| {}).await
    }

    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> Harness {
        init_logs();
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            database_url: casefile_store::testing::fresh_database_url(dir.path()).await,
            admin_client_id: Some(ADMIN_ID.into()),
            admin_client_secret: Some(ADMIN_SECRET.into()),
            rate_limit_per_minute: 0,
            ..Config::default()
        };
        adjust(&mut config);
        let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
        let app = casefile_server::server::open(config, Arc::new(clock.clone()))
            .await
            .unwrap();
        let router = casefile_server::api::router(app.clone());
        let mut h = Harness {
            app,
            router,
            clock,
            admin: String::new(),
            _dir: dir,
        };
        h.admin = h.client_token(ADMIN_ID, ADMIN_SECRET).await;
        h
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        Reply {
            status,
            body,
            headers,
        }
    }

    /// `GET path` as the admin until `done` holds for the body, which it returns.
    pub async fn poll_until(&self, path: &str, done: impl Fn(&Value) -> bool) -> Value {
        let last = std::sync::Mutex::new(Value::Null);
        let wait = async {
            loop {
                let r = self.call(Method::GET, path, Some(&self.admin), None).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                if done(&r.body) {
                    return r.body;
                }
                *last.lock().unwrap() = r.body;
                tokio::task::yield_now().await;
            }
        };
        match tokio::time::timeout(JOB_WAIT, wait).await {
            Ok(body) => body,
            Err(_) => panic!(
                "{path} did not finish within {JOB_WAIT:?}; last seen: {}",
                last.lock().unwrap()
            ),
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            request = request.header("authorization", format!("Bearer {t}"));
        }
        let request = match body {
            Some(b) => request
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => request.body(Body::empty()),
        };
        self.send(request.unwrap()).await
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: &str,
        content_type: &str,
        body: &str,
    ) -> Reply {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", content_type)
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.send(request).await
    }

    pub async fn token_reply(&self, basic: (&str, &str), form: &str) -> Reply {
        use base64::Engine;
        let auth =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", basic.0, basic.1));
        let request = Request::builder()
            .method(Method::POST)
            .uri("/oauth/token")
            .header("authorization", format!("Basic {auth}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
            .unwrap();
        self.send(request).await
    }

    pub async fn client_token(&self, id: &str, secret: &str) -> String {
        let reply = self
            .token_reply((id, secret), "grant_type=client_credentials")
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn user_token(&self, email: &str) -> String {
        self.token_for(email, PASSWORD).await
    }

    pub async fn token_for(&self, email: &str, password: &str) -> String {
        let form = format!(
            "grant_type=password&username={}&password={}",
            urlencode(email),
            urlencode(password)
        );
        let reply = self.token_reply((ADMIN_ID, ADMIN_SECRET), &form).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn create_division(&self, name: &str) -> String {
        let reply = self
            .call(
                Method::POST,
                "/api/v2/authorization/divisions",
                Some(&self.admin),
                Some(serde_json::json!({"name": name})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["id"].as_str().unwrap().to_owned()
    }

    /// Creates a user with [`PASSWORD`] in `division_id` holding `role` there.
    pub async fn create_user(&self, email: &str, division_id: Option<&str>, role: &str) -> Value {
        let mut body = serde_json::json!({"name": email, "email": email, "password": PASSWORD});
        if let Some(d) = division_id {
            body["divisionId"] = d.into();
        }
        let reply = self
            .call(Method::POST, "/api/v2/users", Some(&self.admin), Some(body))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let id = reply.body["id"].as_str().unwrap().to_owned();
        let roles = self
            .call(
                Method::PUT,
                &format!("/api/v2/users/{id}/roles"),
                Some(&self.admin),
                Some(serde_json::json!([role])),
            )
            .await;
        assert_eq!(roles.status, StatusCode::OK, "{}", roles.body);
        self.call(
            Method::GET,
            &format!("/api/v2/users/{id}"),
            Some(&self.admin),
            None,
        )
        .await
        .body
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
