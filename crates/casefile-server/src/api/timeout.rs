//! The request timeout: a request, its body included, is answered within
//! `config.request_timeout_seconds`, or with 408 and the connection closed (a client that
//! sends its body a byte at a time holds nothing longer than that).

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::error::ApiError;

pub async fn request(State(app): State<App>, req: Request, next: Next) -> Response {
    let limit = Duration::from_secs(u64::from(app.config.request_timeout_seconds));
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
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
    }
}
