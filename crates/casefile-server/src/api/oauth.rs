//! `POST /oauth/token`: the client credentials and password grants.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::extract::{ClientAddress, RawBody, no_nul};
use crate::app::{App, sessions};
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(post_token))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// `client_credentials` or `password`.
    #[schema(value_type = crate::api::values::GrantType, required = true)]
    pub grant_type: Option<String>,
    /// With HTTP Basic auth absent, the client id and secret may come in the form.
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// For the password grant.
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

#[utoipa::path(post, path = "/oauth/token", tag = "OAuth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = TokenResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, description = "Too many failed attempts for this client or username: locked out for the time in `Retry-After`", body = ErrorBody)))]
async fn post_token(
    State(app): State<App>,
    ClientAddress(from): ClientAddress,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Json<TokenResponse>> {
    let form: TokenRequest = serde_urlencoded::from_bytes(&body)
        .map_err(|e| ApiError::bad_request("body", format!("malformed form: {e}")))?;
    for (field, value) in [
        ("grant_type", &form.grant_type),
        ("client_id", &form.client_id),
        ("client_secret", &form.client_secret),
        ("username", &form.username),
        ("password", &form.password),
    ] {
        if let Some(v) = value {
            no_nul(field, v)?;
        }
    }
    let (client_id, client_secret) = match (
        basic_credentials(&headers),
        form.client_id,
        form.client_secret,
    ) {
        (Some((id, secret)), _, _) => {
            no_nul("client_id", &id)?;
            no_nul("client_secret", &secret)?;
            (id, secret)
        }
        (None, Some(id), Some(secret)) => (id, secret),
        _ => {
            return Err(ApiError::unauthorized(
                "client authentication is required (HTTP Basic)",
            ));
        }
    };
    let issued = match form.grant_type.as_deref() {
        Some("client_credentials") => {
            sessions::client_credentials(&app, &client_id, &client_secret, from).await?
        }
        Some("password") => {
            let username = form
                .username
                .ok_or_else(|| ApiError::bad_request("username", "is required"))?;
            let password = form
                .password
                .ok_or_else(|| ApiError::bad_request("password", "is required"))?;
            sessions::password(&app, &client_id, &client_secret, &username, &password, from).await?
        }
        Some(other) => {
            return Err(ApiError::bad_request(
                "grant_type",
                format!("unsupported grant type {other:?}"),
            ));
        }
        None => return Err(ApiError::bad_request("grant_type", "is required")),
    };
    Ok(Json(TokenResponse {
        access_token: issued.access_token,
        token_type: "bearer",
        expires_in: issued.expires_in,
    }))
}
