//! `/api/v2/taskmanagement/workitems/schemas`: custom attribute schemas and core types.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use casefile_domain::schema::{self, CoreType};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::core_types::{coretype, quantity_limits};
use crate::api::common::{Reference, USERS, instant};
use crate::api::extract::{Caller, JsonBody, PathParams};
use crate::app::App;
use crate::app::task::documents;
use crate::app::task::schemas as use_cases;
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_schemas, post_schemas))
        .routes(routes!(get_coretypes))
        .routes(routes!(get_coretype))
        .routes(routes!(get_limits))
        .routes(routes!(get_schema, put_schema, delete_schema))
        .routes(routes!(get_schema_versions))
        .routes(routes!(get_schema_version))
}

const BASE: &str = "/api/v2/taskmanagement/workitems/schemas";

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = DataSchema)]
pub struct SchemaDto {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub applies_to: Vec<&'static str>,
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<Reference>,
    pub date_created: String,
    #[schema(value_type = Object)]
    pub json_schema: Value,
    pub self_uri: String,
}

fn to_dto(s: &schema::Version) -> SchemaDto {
    SchemaDto {
        id: s.id.clone(),
        name: s.name.clone(),
        version: s.version,
        applies_to: vec!["workitem"],
        enabled: s.enabled,
        created_by: s
            .created_by
            .as_deref()
            .map(|id| Reference::new(id, None, USERS)),
        date_created: instant(s.date_created),
        json_schema: s.json_schema.clone(),
        self_uri: format!("{BASE}/{}", s.id),
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = DataSchemaListing)]
pub struct SchemaListing {
    pub total: i64,
    pub entities: Vec<SchemaDto>,
    pub self_uri: String,
}

/// The Genesys `DataSchema` body; read-only fields are accepted and ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = DataSchemaInput)]
#[allow(dead_code)] // read-only fields are accepted so SDK round trips work
pub struct SchemaInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub applies_to: Option<Vec<String>>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    #[schema(value_type = Option<Value>)]
    pub created_by: Option<Value>,
    #[serde(default)]
    pub date_created: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub json_schema: Option<Value>,
    #[serde(default)]
    pub self_uri: Option<String>,
}

fn check_applies_to(body: &SchemaInput) -> ApiResult<()> {
    if let Some(applies) = &body.applies_to
        && applies.iter().any(|a| !a.eq_ignore_ascii_case("workitem"))
    {
        return Err(ApiError::bad_request(
            "appliesTo",
            "task management schemas apply to workitem only",
        ));
    }
    Ok(())
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/schemas", tag = "Task Management",
    responses((status = 200, body = SchemaListing)), security(("bearer" = [])))]
async fn get_schemas(
    State(app): State<App>,
    Caller(caller): Caller,
) -> ApiResult<Json<SchemaListing>> {
    let all: Vec<schema::Version> = documents::list(&app, &caller, None).await?;
    Ok(Json(SchemaListing {
        total: all.len() as i64,
        entities: all.iter().map(to_dto).collect(),
        self_uri: BASE.to_owned(),
    }))
}

#[utoipa::path(post, path = "/api/v2/taskmanagement/workitems/schemas", tag = "Task Management", request_body = SchemaInput,
    responses((status = 200, body = SchemaDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_schemas(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<SchemaInput>,
) -> ApiResult<Json<SchemaDto>> {
    check_applies_to(&body)?;
    let name = body
        .name
        .ok_or_else(|| ApiError::bad_request("name", "is required"))?;
    let json_schema = body
        .json_schema
        .ok_or_else(|| ApiError::bad_request("jsonSchema", "is required"))?;
    let s = use_cases::create(
        &app,
        &caller,
        &name,
        json_schema,
        body.enabled.unwrap_or(true),
    )
    .await?;
    Ok(Json(to_dto(&s)))
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/schemas/{schemaId}", tag = "Task Management",
    params(("schemaId" = String, Path, description = "Schema ID")),
    responses((status = 200, body = SchemaDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_schema(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<SchemaDto>> {
    let s: schema::Version = documents::load(&app, &caller, &id).await?;
    Ok(Json(to_dto(&s)))
}

#[utoipa::path(put, path = "/api/v2/taskmanagement/workitems/schemas/{schemaId}", tag = "Task Management",
    params(("schemaId" = String, Path, description = "Schema ID")), request_body = SchemaInput,
    responses((status = 200, body = SchemaDto, description = "the new version"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn put_schema(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<SchemaInput>,
) -> ApiResult<Json<SchemaDto>> {
    check_applies_to(&body)?;
    if body.id.as_ref().is_some_and(|b| b != &id) {
        return Err(ApiError::bad_request(
            "id",
            "does not match the schema id in the path",
        ));
    }
    let s = use_cases::update(
        &app,
        &caller,
        &id,
        body.version,
        body.name.as_deref(),
        body.json_schema,
        body.enabled,
    )
    .await?;
    Ok(Json(to_dto(&s)))
}

#[utoipa::path(delete, path = "/api/v2/taskmanagement/workitems/schemas/{schemaId}", tag = "Task Management",
    params(("schemaId" = String, Path, description = "Schema ID")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "a worktype uses the schema")), security(("bearer" = [])))]
async fn delete_schema(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    use_cases::delete(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/schemas/{schemaId}/versions", tag = "Task Management",
    params(("schemaId" = String, Path, description = "Schema ID")),
    responses((status = 200, body = SchemaListing), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_schema_versions(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<SchemaListing>> {
    let versions = use_cases::versions(&app, &caller, &id).await?;
    Ok(Json(SchemaListing {
        total: versions.len() as i64,
        entities: versions.iter().map(to_dto).collect(),
        self_uri: format!("{BASE}/{id}/versions"),
    }))
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/schemas/{schemaId}/versions/{versionId}", tag = "Task Management",
    params(("schemaId" = String, Path, description = "Schema ID"), ("versionId" = i64, Path, description = "Version")),
    responses((status = 200, body = SchemaDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_schema_version(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, version)): PathParams<(String, String)>,
) -> ApiResult<Json<SchemaDto>> {
    let version: i64 = version
        .parse()
        .map_err(|_| ApiError::bad_request("versionId", "must be a positive integer"))?;
    Ok(Json(to_dto(
        &use_cases::version(&app, &caller, &id, version).await?,
    )))
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/schemas/coretypes", tag = "Task Management",
    responses((status = 200, body = Object)), security(("bearer" = [])))]
async fn get_coretypes() -> Json<Value> {
    let entities: Vec<Value> = CoreType::ALL.into_iter().map(coretype).collect();
    Json(
        json!({ "entities": entities, "total": entities.len(), "selfUri": format!("{BASE}/coretypes") }),
    )
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/schemas/coretypes/{coreTypeName}", tag = "Task Management",
    params(("coreTypeName" = String, Path, description = "text, longtext, url, identifier, enum, tag, date, datetime, integer, number or checkbox")),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_coretype(PathParams(name): PathParams<String>) -> ApiResult<Json<Value>> {
    let t = CoreType::parse(&name).ok_or_else(|| ApiError::not_found("core type"))?;
    Ok(Json(coretype(t)))
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/schemas/limits", tag = "Task Management",
    responses((status = 200, body = Object)), security(("bearer" = [])))]
async fn get_limits() -> Json<Value> {
    Json(quantity_limits())
}
