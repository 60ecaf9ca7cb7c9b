//! The API's one error type, turned into the Genesys error body in exactly one place.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use casefile_domain::Invalid;
use casefile_domain::authz::{Permission, Refusal};
use serde::Serialize;
use utoipa::ToSchema;

tokio::task_local! {
    /// The current request's id, set by the request-id middleware; errors quote it as `contextId`.
    pub static REQUEST_ID: String;
}

/// The Genesys Cloud error body.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub message: String,
    pub code: String,
    pub status: u16,
    pub message_with_params: String,
    pub message_params: BTreeMap<String, String>,
    pub context_id: String,
    pub details: Vec<ErrorDetail>,
    #[schema(no_recursion)]
    pub errors: Vec<ErrorBody>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    pub error_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub retry_after: Option<u64>,
    #[source]
    pub cause: Option<anyhow::Error>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
            cause: None,
        }
    }

    pub fn bad_request(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            "invalid.value",
            format!("{field}: {}", message.into()),
        );
        e.field = Some(field);
        e
    }

    pub fn bad_request_message(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad.request", message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not.found",
            format!("the requested {what} was not found"),
        )
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "bad.credentials", message)
    }

    pub fn forbidden(permission: Permission) -> Self {
        let mut e = Self::new(
            StatusCode::FORBIDDEN,
            "missing.permissions",
            format!("missing the permission {permission} for this action"),
        );
        e.field = None;
        e
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn version_mismatch(current: i64) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "version.mismatch",
            format!(
                "the version supplied does not match the current version {current}; read the object again"
            ),
        )
    }

    pub fn precondition_failed(current: i64) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition.failed",
            format!("If-Match does not match the current version {current}; read the object again"),
        )
    }

    pub fn too_many_requests(retry_after: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too.many.requests",
            format!("rate limit exceeded; retry after {retry_after} seconds"),
        );
        e.retry_after = Some(retry_after);
        e
    }

    pub fn unavailable(cause: anyhow::Error) -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service.unavailable",
            "the service is temporarily unavailable; retry shortly",
        );
        e.retry_after = Some(5);
        e.cause = Some(cause);
        e
    }

    pub fn internal(cause: anyhow::Error) -> Self {
        let mut e = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal.server.error",
            "an internal error occurred",
        );
        e.cause = Some(cause);
        e
    }

    pub fn from_refusal(refusal: Refusal, what: &str) -> Self {
        match refusal {
            Refusal::Hidden => Self::not_found(what),
            Refusal::Forbidden(permission) => Self::forbidden(permission),
        }
    }

    fn body(&self) -> ErrorBody {
        let mut params = BTreeMap::new();
        if let Some(field) = &self.field {
            params.insert("field".to_owned(), field.clone());
        }
        let context_id = REQUEST_ID.try_with(Clone::clone).unwrap_or_default();
        ErrorBody {
            message: self.message.clone(),
            code: self.code.to_owned(),
            status: self.status.as_u16(),
            message_with_params: self.message.clone(),
            message_params: params,
            context_id,
            details: vec![ErrorDetail {
                error_code: self.code.to_owned(),
                field_name: self.field.clone(),
                entity_id: None,
            }],
            errors: Vec::new(),
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        ApiError::bad_request(invalid.field, invalid.message)
    }
}

impl From<crate::app::error::Error> for ApiError {
    /// The one mapping of a use-case error to an HTTP status and the Genesys error body.
    fn from(err: crate::app::error::Error) -> Self {
        use crate::app::error::Error as E;
        let status = match &err {
            E::NotFound { .. } => StatusCode::NOT_FOUND,
            E::Forbidden { .. } => StatusCode::FORBIDDEN,
            E::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            E::Invalid { .. } => StatusCode::BAD_REQUEST,
            E::Conflict { .. }
            | E::Stale {
                precondition: false,
                ..
            } => StatusCode::CONFLICT,
            E::Stale {
                precondition: true, ..
            } => StatusCode::PRECONDITION_FAILED,
            E::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            E::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            E::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let mut api = ApiError::new(status, err.code(), err.message());
        api.field = err.field().map(str::to_owned);
        api.retry_after = match &err {
            E::RateLimited { retry_after } => Some(*retry_after),
            E::Unavailable(_) => Some(5),
            _ => None,
        };
        api.cause = match err {
            E::Unavailable(cause) | E::Internal(cause) => Some(cause),
            _ => None,
        };
        api
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            let cause = self
                .cause
                .as_ref()
                .map(|c| format!("{c:#}"))
                .unwrap_or_default();
            tracing::error!(status = self.status.as_u16(), code = self.code, cause = %cause, "request failed");
        }
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}
