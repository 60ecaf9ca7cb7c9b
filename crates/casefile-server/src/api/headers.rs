//! Headers every response gets: `X-Content-Type-Options: nosniff` everywhere;
//! `Cache-Control: no-store` on the API and the token endpoint, whose answers carry tokens
//! (RFC 6749 §5.1) and personal data that no shared or browser cache may keep; and on a 401
//! the `WWW-Authenticate` challenge saying how to authenticate (RFC 6750 §3: `Bearer` on the
//! API; RFC 6749 §5.2: `Basic` for the client on `/oauth/token`).

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

/// What the response headers depend on, taken from the request before it is handed on.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    token_endpoint: bool,
    private: bool,
}

pub fn kind(req: &Request) -> Kind {
    let path = req.uri().path();
    let token_endpoint = path.starts_with("/oauth/");
    let private =
        token_endpoint || (path.starts_with("/api/") && path != "/api/v2/docs/openapi.json");
    Kind {
        token_endpoint,
        private,
    }
}

pub fn apply(kind: Kind, response: &mut Response) {
    let status = response.status();
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if kind.private && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
    if status == StatusCode::UNAUTHORIZED && !headers.contains_key(header::WWW_AUTHENTICATE) {
        let challenge = if kind.token_endpoint {
            "Basic realm=\"casefile\""
        } else {
            "Bearer realm=\"casefile\""
        };
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
    }
}
