//! The HTTP API: one module per resource, each with `router()`, assembled here behind the
//! request-id, body-limit and authentication layers.
//!
//! Architecture invariant: every route under `/api/v2` is added through [`api_routes`], which
//! sits behind [`authenticate`]; only `/oauth/token`, `/healthz` and the OpenAPI document are
//! public (see [`PUBLIC_ROUTES`]). A test walks the OpenAPI document and fails on any route
//! that answers without a token.

mod authorization;
mod case_management;
pub mod common;
mod contacts;
mod divisions;
mod doc;
pub mod extract;
mod headers;
mod health;
mod intents;
mod listing;
mod oauth;
pub mod permissions;
mod task;
mod timeout;
mod values;

/// The workitem query parser, for jobs and tests.
pub use task::query as task_query;
mod users;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer};
use tracing::Instrument;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::app::{App, sessions};
use crate::error::{ApiError, REQUEST_ID};
use extract::Caller;

/// Routes that answer without a bearer token, with the reason.
pub const PUBLIC_ROUTES: &[(&str, &str)] = &[
    ("/oauth/token", "issues the tokens"),
    ("/healthz", "load balancers and orchestrators probe it"),
    (
        "/api/v2/docs/openapi.json",
        "the API description is public, as Genesys's is",
    ),
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "casefile API",
        description = "casefile speaks the Genesys Cloud Case Management and Task Management API. \
                       Authenticate with OAuth 2.0 client credentials at POST /oauth/token.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// Every authenticated `/api/v2` route.
fn api_routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .merge(users::router())
        .merge(divisions::router())
        .merge(authorization::router())
        .merge(task::router())
        .merge(contacts::router())
        .merge(intents::router())
        .merge(case_management::router())
}

/// The OpenAPI document of every route, public and authenticated.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(api_routes())
        .split_for_parts();
    let (_, public) = public_routes().split_for_parts();
    doc.merge(public);
    doc::complete(&mut doc);
    doc
}

fn public_routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .merge(oauth::router())
        .merge(health::router())
}

/// The whole application.
pub fn router(app: App) -> Router {
    let doc = openapi();
    let (api, _) = OpenApiRouter::<App>::new()
        .merge(api_routes())
        .split_for_parts();
    let api = api.route_layer(middleware::from_fn_with_state(app.clone(), authenticate));
    let (public, _) = public_routes().split_for_parts();
    Router::new()
        .merge(api)
        .merge(public)
        .route(
            "/api/v2/docs/openapi.json",
            axum::routing::get(move || async move { axum::Json(doc) }),
        )
        .fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "not.found",
                "no such resource",
            )
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method.not.allowed",
                "method not allowed on this resource",
            )
        })
        .layer(DefaultBodyLimit::max(app.config.max_body_bytes))
        .layer(middleware::from_fn_with_state(app.clone(), timeout::edge))
        .layer(middleware::from_fn(request_id))
        .with_state(app)
}

static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");
static CORRELATION_HEADER: HeaderName = HeaderName::from_static("inin-correlation-id");

/// Gives every request an id (or keeps a sane one the client sent), logs under it, and
/// echoes it back; error bodies quote it as `contextId`.
async fn request_id(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let span =
        tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path());
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(req))
        .instrument(span.clone())
        .await;
    span.in_scope(|| tracing::debug!(status = response.status().as_u16(), "request done"));
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(REQUEST_ID_HEADER.clone(), value.clone());
        response
            .headers_mut()
            .insert(CORRELATION_HEADER.clone(), value);
    }
    response
}

/// Checks the bearer token, applies the caller's rate limit and hands the caller on.
async fn authenticate(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(bearer) = bearer else {
        return ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "authentication.required",
            "no authentication bearer token specified in authorization header",
        )
        .into_response();
    };
    let principal = match sessions::authenticate(&app, bearer).await {
        Ok(p) => p,
        Err(e) => return ApiError::from(e).into_response(),
    };
    if let Err(retry_after) = app.sessions.admit(&principal.client_id, app.clock.now()) {
        return ApiError::too_many_requests(retry_after).into_response();
    }
    if let Err(refusal) = authorize(&req, &principal) {
        return refusal.into_response();
    }
    req.extensions_mut().insert(Caller(principal));
    next.run(req).await
}

/// The route's permission, before anything of the request is read (see [`permissions`]).
fn authorize(req: &Request, principal: &casefile_domain::authz::Principal) -> Result<(), ApiError> {
    let path = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(axum::extract::MatchedPath::as_str);
    // axum answers HEAD with the GET handler; it needs what GET needs.
    let method = if req.method() == axum::http::Method::HEAD {
        "GET"
    } else {
        req.method().as_str()
    };
    match path.and_then(|p| permissions::need(method, p)) {
        Some(permissions::Need::SignedIn(_)) => Ok(()),
        Some(permissions::Need::Any(needed)) => {
            if principal.holds_any(needed) {
                Ok(())
            } else {
                Err(crate::app::error::Error::forbidden(needed[0]).into())
            }
        }
        None => {
            tracing::error!(
                method = %req.method(),
                path = ?path,
                "no permission declared for this route (api/permissions.rs)"
            );
            Err(crate::app::error::Error::internal(anyhow::anyhow!(
                "no permission declared for this route"
            ))
            .into())
        }
    }
}

/// `ETag: "<version>"` for a versioned object.
pub fn etag(version: i64) -> axum::http::HeaderMap {
    let mut headers = axum::http::HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        headers.insert(header::ETAG, value);
    }
    headers
}

/// The version an `If-Match` header names (`"3"`, `W/"3"` or `3`), if any.
pub fn if_match(headers: &axum::http::HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    let bare = text.trim_start_matches("W/").trim_matches('"');
    bare.parse::<i64>().map(Some).map_err(|_| {
        ApiError::bad_request(
            "If-Match",
            format!("must be an ETag this server issued, got {text:?}"),
        )
    })
}

/// For PATCH bodies: absent → `None`, `null` → `Some(None)`, a value → `Some(Some(v))`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
