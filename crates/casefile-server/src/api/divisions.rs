//! `/api/v2/authorization/divisions`.

use std::collections::BTreeMap;

use crate::app::query::Division;
use axum::Json;
use axum::extract::State;
use casefile_domain::division;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Caller, JsonBody, PathParams, QueryParams};
use super::listing::{EntityListing, page};
use super::nullable;
use crate::app::{App, divisions};
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(
            get_authorization_divisions,
            post_authorization_divisions
        ))
        .routes(routes!(get_authorization_divisions_home))
        .routes(routes!(
            get_authorization_division,
            put_authorization_division,
            patch_authorization_division,
            delete_authorization_division
        ))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AuthzDivision)]
pub struct DivisionDto {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub home_division: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_counts: Option<BTreeMap<String, i64>>,
    pub version: i64,
    pub self_uri: String,
}

fn to_dto(d: Division, counts: Option<Vec<(String, i64)>>) -> DivisionDto {
    DivisionDto {
        self_uri: format!("/api/v2/authorization/divisions/{}", d.id),
        id: d.id,
        name: d.name,
        description: d.description,
        home_division: d.home,
        object_counts: counts.map(|c| c.into_iter().collect()),
        version: d.version,
    }
}

/// The Genesys `AuthzDivision` body; `id`, `homeDivision`, `objectCounts` and `selfUri` are read-only and ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AuthzDivisionInput)]
#[allow(dead_code)] // read-only fields are accepted so SDK round trips work
pub struct DivisionInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub home_division: Option<bool>,
    #[serde(default)]
    #[schema(value_type = Option<Value>)]
    pub object_counts: Option<serde_json::Value>,
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub self_uri: Option<String>,
}

#[utoipa::path(get, path = "/api/v2/authorization/divisions", tag = "Authorization",
    params(
        ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size, 1 to 500 (default 25)"),
        ("pageNumber" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "Page number"),
        ("objectCount" = Option<bool>, Query, description = "Include object counts"),
        ("id" = Option<Vec<String>>, Query, description = "Only these divisions"),
        ("name" = Option<String>, Query, description = "Exact name, case-insensitive"),
    ),
    responses((status = 200, body = EntityListing<DivisionDto>), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn get_authorization_divisions(
    State(app): State<App>,
    Caller(caller): Caller,
    query: QueryParams,
) -> ApiResult<Json<EntityListing<DivisionDto>>> {
    let page = page(&query, 25)?;
    let with_counts = query.bool("objectCount")?;
    let listing = divisions::list(
        &app,
        &caller,
        query.list("id"),
        query.str("name").map(str::to_owned),
        page,
    )
    .await?;
    let mut entities = Vec::with_capacity(listing.entities.len());
    for d in listing.entities {
        let counts = if with_counts {
            Some(divisions::object_counts(&app, &d.id).await?)
        } else {
            None
        };
        entities.push(to_dto(d, counts));
    }
    Ok(Json(EntityListing::new(
        entities,
        listing.total,
        page,
        "/api/v2/authorization/divisions",
    )))
}

#[utoipa::path(post, path = "/api/v2/authorization/divisions", tag = "Authorization", request_body = DivisionInput,
    responses((status = 200, body = DivisionDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn post_authorization_divisions(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<DivisionInput>,
) -> ApiResult<Json<DivisionDto>> {
    let name = body
        .name
        .ok_or_else(|| ApiError::bad_request("name", "is required"))?;
    let fields = division::Fields::parse(&name, body.description.flatten().as_deref())?;
    Ok(Json(to_dto(
        divisions::create(&app, &caller, fields).await?,
        None,
    )))
}

#[utoipa::path(get, path = "/api/v2/authorization/divisions/home", tag = "Authorization",
    responses((status = 200, body = DivisionDto)), security(("bearer" = [])))]
async fn get_authorization_divisions_home(State(app): State<App>) -> ApiResult<Json<DivisionDto>> {
    Ok(Json(to_dto(divisions::home(&app).await?, None)))
}

#[utoipa::path(get, path = "/api/v2/authorization/divisions/{divisionId}", tag = "Authorization",
    params(("divisionId" = String, Path, description = "Division ID"), ("objectCount" = Option<bool>, Query, description = "Include object counts")),
    responses((status = 200, body = DivisionDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_authorization_division(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    query: QueryParams,
) -> ApiResult<Json<DivisionDto>> {
    let division = divisions::get(&app, &caller, &id).await?;
    let counts = if query.bool("objectCount")? {
        Some(divisions::object_counts(&app, &id).await?)
    } else {
        None
    };
    Ok(Json(to_dto(division, counts)))
}

async fn update(
    app: &App,
    caller: &casefile_domain::authz::Principal,
    id: &str,
    body: DivisionInput,
    replace: bool,
) -> ApiResult<DivisionDto> {
    if body.id.as_ref().is_some_and(|body_id| body_id != id) {
        return Err(ApiError::bad_request(
            "id",
            "does not match the division id in the path",
        ));
    }
    if replace && body.name.is_none() {
        return Err(ApiError::bad_request("name", "is required"));
    }
    if let Some(version) = body.version {
        let current = divisions::get(app, caller, id).await?;
        if current.version != version {
            return Err(ApiError::version_mismatch(current.version));
        }
    }
    let description = if replace {
        Some(body.description.flatten())
    } else {
        body.description
    };
    Ok(to_dto(
        divisions::update(app, caller, id, body.name, description).await?,
        None,
    ))
}

#[utoipa::path(put, path = "/api/v2/authorization/divisions/{divisionId}", tag = "Authorization",
    params(("divisionId" = String, Path, description = "Division ID")), request_body = DivisionInput,
    responses((status = 200, body = DivisionDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn put_authorization_division(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<DivisionInput>,
) -> ApiResult<Json<DivisionDto>> {
    Ok(Json(update(&app, &caller, &id, body, true).await?))
}

#[utoipa::path(patch, path = "/api/v2/authorization/divisions/{divisionId}", tag = "Authorization",
    params(("divisionId" = String, Path, description = "Division ID")), request_body = DivisionInput,
    responses((status = 200, body = DivisionDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_authorization_division(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<DivisionInput>,
) -> ApiResult<Json<DivisionDto>> {
    Ok(Json(update(&app, &caller, &id, body, false).await?))
}

#[utoipa::path(delete, path = "/api/v2/authorization/divisions/{divisionId}", tag = "Authorization",
    params(("divisionId" = String, Path, description = "Division ID")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "the division still holds objects")), security(("bearer" = [])))]
async fn delete_authorization_division(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<axum::http::StatusCode> {
    divisions::delete(&app, &caller, &id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
