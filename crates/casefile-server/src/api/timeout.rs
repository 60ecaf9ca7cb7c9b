//! The request timeout: a request with a body is answered within
//! `config.request_timeout_seconds`, body included, or with 408 and the connection closed (a
//! client that sends its body a byte at a time holds nothing longer than that).

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::headers;
use crate::app::App;
use crate::error::ApiError;

/// What every request passes at the edge: the request timeout — only for a request that
/// carries a body, since one without has nothing left to send once its headers are in (the
/// header-read timeout bounds those) — and the standard response headers. One middleware for
/// both, and no timer for bodiless requests: the edge runs on every request.
pub async fn edge(State(app): State<App>, req: Request, next: Next) -> Response {
    let kind = headers::kind(&req);
    let mut response = if has_body(&req) {
        let limit = Duration::from_secs(u64::from(app.config.request_timeout_seconds));
        match tokio::time::timeout(limit, next.run(req)).await {
            Ok(response) => response,
            Err(_) => timed_out(),
        }
    } else {
        next.run(req).await
    };
    headers::apply(kind, &mut response);
    response
}

fn has_body(req: &Request) -> bool {
    let h = req.headers();
    h.contains_key(header::TRANSFER_ENCODING)
        || h.get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0")
}

fn timed_out() -> Response {
    let mut response = ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "request.timeout",
        "the request was not completed in time",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
