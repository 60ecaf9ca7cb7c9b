//! Headers every response gets: `X-Content-Type-Options: nosniff` everywhere;
//! `Cache-Control: no-store` on the API and the token endpoint, whose answers carry tokens
//! (RFC 6749 §5.1) and personal data that no shared or browser cache may keep; and on a 401
//! the `WWW-Authenticate` challenge saying how to authenticate (RFC 6750 §3: `Bearer` on the
//! API; RFC 6749 §5.2: `Basic` for the client on `/oauth/token`).

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

pub async fn standard(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let token_endpoint = path.starts_with("/oauth/");
    let private =
        token_endpoint || (path.starts_with("/api/") && path != "/api/v2/docs/openapi.json");
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if private && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    }
    if response.status() == StatusCode::UNAUTHORIZED
        && !response.headers().contains_key(header::WWW_AUTHENTICATE)
    {
        let challenge = if token_endpoint {
            "Basic realm=\"casefile\""
        } else {
            "Bearer realm=\"casefile\""
        };
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
    }
    response
}
