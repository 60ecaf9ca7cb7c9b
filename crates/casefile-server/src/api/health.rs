//! `GET /healthz`: 200 only when the database answers and every migration is applied.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(healthz))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HealthDto {
    pub status: &'static str,
    pub database: &'static str,
    pub applied_migrations: Option<i64>,
    pub known_migrations: Option<i64>,
}

#[utoipa::path(get, path = "/healthz", tag = "Health",
    responses((status = 200, body = HealthDto), (status = 503, body = HealthDto)))]
async fn healthz(State(app): State<App>) -> (StatusCode, Json<HealthDto>) {
    match crate::app::health(&app).await {
        Ok(h) if h.is_ready() => (
            StatusCode::OK,
            Json(HealthDto {
                status: "ok",
                database: "ok",
                applied_migrations: Some(h.applied_migrations),
                known_migrations: Some(h.known_migrations),
            }),
        ),
        Ok(h) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(HealthDto {
                status: "unavailable",
                database: "migrations pending",
                applied_migrations: Some(h.applied_migrations),
                known_migrations: Some(h.known_migrations),
            }),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(HealthDto {
                    status: "unavailable",
                    database: "unreachable",
                    applied_migrations: None,
                    known_migrations: None,
                }),
            )
        }
    }
}
