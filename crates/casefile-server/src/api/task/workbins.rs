//! `/api/v2/taskmanagement/workbins`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use casefile_domain::authz::Principal;
use casefile_domain::task::workbin::Workbin;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::query::{self, ConfigQuery};
use crate::api::common::{self, ChangeEntry, CursorListing, DIVISIONS, Reference, USERS, instant};
use crate::api::extract::{Caller, JsonBody, PathParams, QueryParams};
use crate::api::nullable;
use crate::app::App;
use crate::app::task::{documents, workbins};
use crate::error::{ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(post_workbins))
        .routes(routes!(post_workbins_query))
        .routes(routes!(get_workbin, patch_workbin, delete_workbin))
        .routes(routes!(get_workbin_history))
        .routes(routes!(get_workbin_versions))
        .routes(routes!(get_workbin_version))
}

const BASE: &str = "/api/v2/taskmanagement/workbins";

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Workbin)]
pub struct WorkbinDto {
    pub id: String,
    pub name: String,
    pub division: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub date_created: String,
    pub date_modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<Reference>,
    pub version: i64,
    pub self_uri: String,
}

pub fn to_dto(w: &Workbin) -> WorkbinDto {
    WorkbinDto {
        id: w.id.clone(),
        name: w.name.clone(),
        division: Reference::new(&w.division_id, None, DIVISIONS),
        description: w.description.clone(),
        date_created: instant(w.date_created),
        date_modified: instant(w.date_modified),
        modified_by: w
            .modified_by
            .as_deref()
            .map(|id| Reference::new(id, None, USERS)),
        version: w.version,
        self_uri: format!("{BASE}/{}", w.id),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorkbinCreate)]
pub struct WorkbinCreate {
    #[schema(min_length = 3, max_length = 256)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub division_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorkbinUpdate)]
pub struct WorkbinUpdate {
    #[serde(default)]
    #[schema(min_length = 3, max_length = 256)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

#[utoipa::path(post, path = "/api/v2/taskmanagement/workbins", tag = "Task Management", request_body = WorkbinCreate,
    responses((status = 200, body = WorkbinDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_workbins(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<WorkbinCreate>,
) -> ApiResult<Json<WorkbinDto>> {
    let w = workbins::create(&app, &caller, body.name, body.description, body.division_id).await?;
    Ok(Json(to_dto(&w)))
}

#[utoipa::path(post, path = "/api/v2/taskmanagement/workbins/query", tag = "Task Management", request_body = ConfigQuery,
    responses((status = 200, body = CursorListing<WorkbinDto>), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_workbins_query(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<ConfigQuery>,
) -> ApiResult<Json<CursorListing<WorkbinDto>>> {
    let all: Vec<Workbin> = documents::list(&app, &caller, None).await?;
    let listing = query::run_config_query(
        &body,
        all,
        BASE,
        &["dateModified", "name"],
        &[
            "id",
            "name",
            "description",
            "divisionId",
            "dateCreated",
            "dateModified",
            "modifiedBy",
        ],
        |w, field| match field {
            "id" => Some(w.id.clone().into()),
            "name" => Some(w.name.clone().into()),
            "description" => w.description.clone().map(Into::into),
            "divisionId" => Some(w.division_id.clone().into()),
            "dateCreated" => Some(instant(w.date_created).into()),
            "dateModified" => Some(instant(w.date_modified).into()),
            "modifiedBy" => w.modified_by.clone().map(Into::into),
            _ => None,
        },
    )?;
    Ok(Json(query::map_listing(listing, to_dto)))
}

async fn load(app: &App, caller: &Principal, id: &str) -> ApiResult<Workbin> {
    Ok(documents::load(app, caller, id).await?)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workbins/{workbinId}", tag = "Task Management",
    params(("workbinId" = String, Path, description = "Workbin ID")),
    responses((status = 200, body = WorkbinDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_workbin(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<WorkbinDto>> {
    Ok(Json(to_dto(&load(&app, &caller, &id).await?)))
}

#[utoipa::path(patch, path = "/api/v2/taskmanagement/workbins/{workbinId}", tag = "Task Management",
    params(("workbinId" = String, Path, description = "Workbin ID")), request_body = WorkbinUpdate,
    responses((status = 200, body = WorkbinDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_workbin(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<WorkbinUpdate>,
) -> ApiResult<Json<WorkbinDto>> {
    Ok(Json(to_dto(
        &workbins::update(&app, &caller, &id, body.name, body.description).await?,
    )))
}

#[utoipa::path(delete, path = "/api/v2/taskmanagement/workbins/{workbinId}", tag = "Task Management",
    params(("workbinId" = String, Path, description = "Workbin ID")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "the workbin holds workitems or is a worktype's default")), security(("bearer" = [])))]
async fn delete_workbin(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    workbins::delete(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workbins/{workbinId}/history", tag = "Task Management",
    params(("workbinId" = String, Path, description = "Workbin ID"), ("after" = Option<String>, Query, description = "cursor"), ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1 to 200"), ("sortOrder" = inline(Option<crate::api::values::SortOrder>), Query, description = "ascending (default) or descending")),
    responses((status = 200, body = CursorListing<ChangeEntry>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_workbin_history(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    q: QueryParams,
) -> ApiResult<Json<CursorListing<ChangeEntry>>> {
    load(&app, &caller, &id).await?;
    let events = crate::app::history::events(&app, "workbin", &id).await?;
    let entries = common::history(events, |k| {
        matches!(k, "name" | "description" | "date_modified" | "modified_by")
            .then(|| common::camel(k))
    });
    query::history_page(entries, &q, &format!("{BASE}/{id}/history")).map(Json)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workbins/{workbinId}/versions", tag = "Task Management",
    params(("workbinId" = String, Path, description = "Workbin ID"), ("after" = Option<String>, Query, description = "cursor"), ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1 to 200"), ("sortOrder" = inline(Option<crate::api::values::SortOrder>), Query, description = "ascending (default) or descending")),
    responses((status = 200, body = CursorListing<WorkbinDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_workbin_versions(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    q: QueryParams,
) -> ApiResult<Json<CursorListing<WorkbinDto>>> {
    load(&app, &caller, &id).await?;
    let versions: Vec<Workbin> = query::versions(&app, "workbin", &id).await?;
    query::versions_page(
        versions.iter().map(to_dto).collect(),
        &q,
        &format!("{BASE}/{id}/versions"),
    )
    .map(Json)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workbins/{workbinId}/versions/{entityVersion}", tag = "Task Management",
    params(("workbinId" = String, Path, description = "Workbin ID"), ("entityVersion" = i64, Path, description = "Version")),
    responses((status = 200, body = WorkbinDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_workbin_version(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, version)): PathParams<(String, i64)>,
) -> ApiResult<Json<WorkbinDto>> {
    load(&app, &caller, &id).await?;
    let w: Workbin = query::version(&app, "workbin", &id, version).await?;
    Ok(Json(to_dto(&w)))
}
