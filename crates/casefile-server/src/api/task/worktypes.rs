//! `/api/v2/taskmanagement/worktypes` and their statuses.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use casefile_domain::task::status::{Category, Status};
use casefile_domain::task::worktype::Worktype;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::query::{self, ConfigQuery};
use crate::api::common::{self, ChangeEntry, CursorListing, DIVISIONS, Reference, USERS, instant};
use crate::api::extract::{Caller, JsonBody, PathParams, QueryParams};
use crate::api::{etag, if_match, nullable};
use crate::app::App;
use crate::app::task::{documents, worktypes};
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(post_worktypes))
        .routes(routes!(post_worktypes_query))
        .routes(routes!(get_worktype, patch_worktype, delete_worktype))
        .routes(routes!(get_worktype_history))
        .routes(routes!(get_worktype_versions))
        .routes(routes!(get_worktype_version))
        .routes(routes!(get_worktype_statuses, post_worktype_statuses))
        .routes(routes!(
            get_worktype_status,
            patch_worktype_status,
            delete_worktype_status
        ))
}

const BASE: &str = "/api/v2/taskmanagement/worktypes";

const WORKTYPE_FILTERS: &[&str] = &[
    "divisionId",
    "id",
    "name",
    "description",
    "defaultWorkbinId",
    "defaultDurationSeconds",
    "defaultExpirationSeconds",
    "defaultDueDurationSeconds",
    "defaultPriority",
    "defaultLanguageId",
    "defaultTtlSeconds",
    "assignmentEnabled",
    "defaultQueueId",
    "schemaId",
    "schemaVersion",
    "dateCreated",
    "dateModified",
    "modifiedBy",
];

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = WorkitemStatus)]
pub struct StatusDto {
    pub id: String,
    pub name: String,
    pub category: String,
    pub destination_statuses: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_destination_status: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_transition_delay_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_transition_time: Option<String>,
    pub worktype: Reference,
    pub auto_terminate_workitem: bool,
    pub version: i64,
    pub self_uri: String,
}

fn status_uri(worktype_id: &str) -> String {
    format!("{BASE}/{worktype_id}/statuses")
}

pub fn status_dto(s: &Status, siblings: &[Status]) -> StatusDto {
    let base = status_uri(&s.worktype_id);
    let name_of = |id: &str| siblings.iter().find(|x| x.id == id).map(|x| x.name.clone());
    StatusDto {
        id: s.id.clone(),
        name: s.name.clone(),
        category: s.category.as_str().to_owned(),
        destination_statuses: s
            .destination_status_ids
            .iter()
            .map(|d| Reference::new(d, name_of(d), &base))
            .collect(),
        description: s.description.clone(),
        default_destination_status: s
            .default_destination_status_id
            .as_deref()
            .map(|d| Reference::new(d, name_of(d), &base)),
        status_transition_delay_seconds: s.status_transition_delay_seconds,
        status_transition_time: s.status_transition_time.clone(),
        worktype: Reference::new(&s.worktype_id, None, BASE),
        auto_terminate_workitem: s.auto_terminate_workitem,
        version: s.version,
        self_uri: format!("{base}/{}", s.id),
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SchemaReference {
    pub id: String,
    pub version: i64,
    pub self_uri: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Worktype)]
pub struct WorktypeDto {
    pub id: String,
    pub name: String,
    pub division: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub date_created: String,
    pub date_modified: String,
    pub default_workbin: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_status: Option<Reference>,
    pub statuses: Vec<StatusDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_duration_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_expiration_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_due_duration_seconds: Option<i64>,
    pub default_priority: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_language: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_ttl_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_queue: Option<Reference>,
    pub default_skills: Vec<Reference>,
    pub assignment_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<SchemaReference>,
    pub service_level_target: i64,
    pub rule_settings: RuleSettings,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_script: Option<Reference>,
    pub unassigned_division_contacts_enabled: bool,
    pub version: i64,
    pub self_uri: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorkitemRuleSettings)]
pub struct RuleSettings {
    #[serde(default)]
    pub flow_rules_enabled: Option<bool>,
}

pub fn worktype_dto(w: &Worktype, statuses: &[Status]) -> WorktypeDto {
    let status_base = status_uri(&w.id);
    let name_of = |id: &str| statuses.iter().find(|x| x.id == id).map(|x| x.name.clone());
    WorktypeDto {
        id: w.id.clone(),
        name: w.name.clone(),
        division: Reference::new(&w.division_id, None, DIVISIONS),
        description: w.description.clone(),
        date_created: instant(w.date_created),
        date_modified: instant(w.date_modified),
        default_workbin: Reference::new(
            &w.default_workbin_id,
            None,
            "/api/v2/taskmanagement/workbins",
        ),
        default_status: w
            .default_status_id
            .as_deref()
            .map(|s| Reference::new(s, name_of(s), &status_base)),
        statuses: statuses.iter().map(|s| status_dto(s, statuses)).collect(),
        default_duration_seconds: w.default_duration_seconds,
        default_expiration_seconds: w.default_expiration_seconds,
        default_due_duration_seconds: w.default_due_duration_seconds,
        default_priority: w.default_priority,
        default_language: w
            .default_language_id
            .as_deref()
            .map(|l| Reference::new(l, None, "/api/v2/routing/languages")),
        default_ttl_seconds: w.default_ttl_seconds,
        modified_by: w
            .modified_by
            .as_deref()
            .map(|id| Reference::new(id, None, USERS)),
        default_queue: w
            .default_queue_id
            .as_deref()
            .map(|q| Reference::new(q, None, "/api/v2/routing/queues")),
        default_skills: w
            .default_skill_ids
            .iter()
            .map(|s| Reference::new(s, None, "/api/v2/routing/skills"))
            .collect(),
        assignment_enabled: w.assignment_enabled,
        schema: match (&w.schema_id, w.schema_version) {
            (Some(id), Some(v)) => Some(SchemaReference {
                id: id.clone(),
                version: v,
                self_uri: format!("/api/v2/taskmanagement/workitems/schemas/{id}/versions/{v}"),
            }),
            _ => None,
        },
        service_level_target: w.service_level_target,
        rule_settings: RuleSettings {
            flow_rules_enabled: Some(w.flow_rules_enabled),
        },
        default_script: w
            .default_script_id
            .as_deref()
            .map(|s| Reference::new(s, None, "/api/v2/scripts")),
        unassigned_division_contacts_enabled: w.unassigned_division_contacts_enabled,
        version: w.version,
        self_uri: format!("{BASE}/{}", w.id),
    }
}

/// `WorktypeCreate` and `WorktypeUpdate` (the update refuses `divisionId` changes and
/// `disableDefaultStatusCreation`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorktypeCreate)]
pub struct WorktypeInput {
    #[serde(default)]
    #[schema(min_length = 3, max_length = 256)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub division_id: Option<String>,
    #[serde(default)]
    pub default_workbin_id: Option<String>,
    #[serde(default)]
    pub default_status_id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub default_duration_seconds: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub default_expiration_seconds: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub default_due_duration_seconds: Option<Option<i64>>,
    #[serde(default)]
    pub default_priority: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub default_ttl_seconds: Option<Option<i64>>,
    #[serde(default)]
    pub assignment_enabled: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub schema_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub schema_version: Option<Option<i64>>,
    #[serde(default)]
    pub service_level_target: Option<i64>,
    #[serde(default)]
    pub rule_settings: Option<RuleSettings>,
    #[serde(default)]
    pub unassigned_division_contacts_enabled: Option<bool>,
    #[serde(default)]
    pub disable_default_status_creation: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(format = Uuid, value_type = Option<String>)]
    pub default_queue_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(format = Uuid, value_type = Option<String>)]
    pub default_language_id: Option<Option<String>>,
    #[serde(default)]
    pub default_skill_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(format = Uuid, value_type = Option<String>)]
    pub default_script_id: Option<Option<String>>,
}

fn check_uuid(field: &str, value: Option<&Option<String>>) -> ApiResult<()> {
    if let Some(Some(v)) = value
        && uuid::Uuid::parse_str(v).is_err()
    {
        return Err(ApiError::bad_request(field, "must be a valid UUID"));
    }
    Ok(())
}

fn to_input(body: WorktypeInput) -> ApiResult<worktypes::Input> {
    check_uuid("defaultQueueId", body.default_queue_id.as_ref())?;
    check_uuid("defaultLanguageId", body.default_language_id.as_ref())?;
    check_uuid("defaultScriptId", body.default_script_id.as_ref())?;
    for (i, s) in body.default_skill_ids.iter().flatten().enumerate() {
        check_uuid(&format!("defaultSkillIds[{i}]"), Some(&Some(s.clone())))?;
    }
    Ok(worktypes::Input {
        name: body.name,
        description: body.description,
        division_id: body.division_id,
        default_workbin_id: body.default_workbin_id,
        default_status_id: body.default_status_id,
        default_duration_seconds: body.default_duration_seconds,
        default_expiration_seconds: body.default_expiration_seconds,
        default_due_duration_seconds: body.default_due_duration_seconds,
        default_priority: body.default_priority,
        default_ttl_seconds: body.default_ttl_seconds,
        assignment_enabled: body.assignment_enabled,
        schema_id: body.schema_id,
        schema_version: body.schema_version,
        service_level_target: body.service_level_target,
        default_queue_id: body.default_queue_id,
        default_language_id: body.default_language_id,
        default_skill_ids: body.default_skill_ids,
        default_script_id: body.default_script_id,
        unassigned_division_contacts_enabled: body.unassigned_division_contacts_enabled,
        flow_rules_enabled: body.rule_settings.and_then(|r| r.flow_rules_enabled),
        disable_default_status_creation: body.disable_default_status_creation.unwrap_or(false),
    })
}

async fn render(
    app: &App,
    caller: &casefile_domain::authz::Principal,
    w: &Worktype,
) -> ApiResult<(HeaderMap, Json<WorktypeDto>)> {
    let statuses: Vec<Status> = documents::list(app, caller, Some(&w.id)).await?;
    Ok((etag(w.version), Json(worktype_dto(w, &statuses))))
}

#[utoipa::path(post, path = "/api/v2/taskmanagement/worktypes", tag = "Task Management", request_body = WorktypeInput,
    responses((status = 200, body = WorktypeDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_worktypes(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<WorktypeInput>,
) -> ApiResult<(HeaderMap, Json<WorktypeDto>)> {
    let (w, statuses) = worktypes::create(&app, &caller, to_input(body)?).await?;
    Ok((etag(w.version), Json(worktype_dto(&w, &statuses))))
}

#[utoipa::path(post, path = "/api/v2/taskmanagement/worktypes/query", tag = "Task Management", request_body = ConfigQuery,
    responses((status = 200, body = CursorListing<WorktypeDto>), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_worktypes_query(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<ConfigQuery>,
) -> ApiResult<Json<CursorListing<WorktypeDto>>> {
    let all: Vec<Worktype> = documents::list(&app, &caller, None).await?;
    let listing = query::run_config_query(
        &body,
        all,
        BASE,
        &["dateModified", "name"],
        WORKTYPE_FILTERS,
        |w, field| match field {
            "id" => Some(w.id.clone().into()),
            "name" => Some(w.name.clone().into()),
            "description" => w.description.clone().map(Into::into),
            "divisionId" => Some(w.division_id.clone().into()),
            "defaultWorkbinId" => Some(w.default_workbin_id.clone().into()),
            "defaultDurationSeconds" => w.default_duration_seconds.map(Into::into),
            "defaultExpirationSeconds" => w.default_expiration_seconds.map(Into::into),
            "defaultDueDurationSeconds" => w.default_due_duration_seconds.map(Into::into),
            "defaultPriority" => Some(w.default_priority.into()),
            "defaultLanguageId" => w.default_language_id.clone().map(Into::into),
            "defaultTtlSeconds" => w.default_ttl_seconds.map(Into::into),
            "assignmentEnabled" => Some(w.assignment_enabled.to_string().into()),
            "defaultQueueId" => w.default_queue_id.clone().map(Into::into),
            "schemaId" => w.schema_id.clone().map(Into::into),
            "schemaVersion" => w.schema_version.map(Into::into),
            "dateCreated" => Some(instant(w.date_created).into()),
            "dateModified" => Some(instant(w.date_modified).into()),
            "modifiedBy" => w.modified_by.clone().map(Into::into),
            _ => None,
        },
    )?;
    let mut entities = Vec::with_capacity(listing.entities.len());
    for w in &listing.entities {
        let statuses: Vec<Status> = documents::list(&app, &caller, Some(&w.id)).await?;
        entities.push(worktype_dto(w, &statuses));
    }
    Ok(Json(CursorListing {
        entities,
        after: listing.after,
        next_uri: listing.next_uri,
        self_uri: listing.self_uri,
        count: listing.count,
    }))
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/worktypes/{worktypeId}", tag = "Task Management",
    params(("worktypeId" = String, Path, description = "Worktype ID")),
    responses((status = 200, body = WorktypeDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_worktype(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<(HeaderMap, Json<WorktypeDto>)> {
    let w: Worktype = documents::load(&app, &caller, &id).await?;
    render(&app, &caller, &w).await
}

#[utoipa::path(patch, path = "/api/v2/taskmanagement/worktypes/{worktypeId}", tag = "Task Management",
    params(("worktypeId" = String, Path, description = "Worktype ID"), ("If-Match" = Option<String>, Header, pattern = r#"^(\*|(W/)*"*[+-]?[0-9]{1,18}"*)$"#, description = "the version (ETag) the change is based on")), request_body = WorktypeInput,
    responses((status = 200, body = WorktypeDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_worktype(
    State(app): State<App>,
    Caller(caller): Caller,
    headers: HeaderMap,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<WorktypeInput>,
) -> ApiResult<(HeaderMap, Json<WorktypeDto>)> {
    if body.disable_default_status_creation.is_some() {
        return Err(ApiError::bad_request(
            "disableDefaultStatusCreation",
            "applies only when creating a worktype",
        ));
    }
    let w = worktypes::update(&app, &caller, &id, to_input(body)?, if_match(&headers)?).await?;
    render(&app, &caller, &w).await
}

#[utoipa::path(delete, path = "/api/v2/taskmanagement/worktypes/{worktypeId}", tag = "Task Management",
    params(("worktypeId" = String, Path, description = "Worktype ID")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "workitems of this worktype exist")), security(("bearer" = [])))]
async fn delete_worktype(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    worktypes::delete(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/worktypes/{worktypeId}/history", tag = "Task Management",
    params(("worktypeId" = String, Path, description = "Worktype ID"), ("after" = Option<String>, Query, description = "cursor"), ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1 to 200"), ("sortOrder" = inline(Option<crate::api::values::SortOrder>), Query, description = "ascending (default) or descending")),
    responses((status = 200, body = CursorListing<ChangeEntry>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_worktype_history(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    q: QueryParams,
) -> ApiResult<Json<CursorListing<ChangeEntry>>> {
    let _: Worktype = documents::load(&app, &caller, &id).await?;
    let events = crate::app::history::events(&app, "worktype", &id).await?;
    let entries = common::history(events, |k| {
        (!matches!(k, "id" | "version" | "date_created")).then(|| common::camel(k))
    });
    query::history_page(entries, &q, &format!("{BASE}/{id}/history")).map(Json)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/worktypes/{worktypeId}/versions", tag = "Task Management",
    params(("worktypeId" = String, Path, description = "Worktype ID"), ("after" = Option<String>, Query, description = "cursor"), ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1 to 200"), ("sortOrder" = inline(Option<crate::api::values::SortOrder>), Query, description = "ascending (default) or descending")),
    responses((status = 200, body = CursorListing<WorktypeDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_worktype_versions(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    q: QueryParams,
) -> ApiResult<Json<CursorListing<WorktypeDto>>> {
    let _: Worktype = documents::load(&app, &caller, &id).await?;
    let versions: Vec<Worktype> = query::versions(&app, "worktype", &id).await?;
    query::versions_page(
        versions.iter().map(|w| worktype_dto(w, &[])).collect(),
        &q,
        &format!("{BASE}/{id}/versions"),
    )
    .map(Json)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/worktypes/{worktypeId}/versions/{entityVersion}", tag = "Task Management",
    params(("worktypeId" = String, Path, description = "Worktype ID"), ("entityVersion" = i64, Path, description = "Version")),
    responses((status = 200, body = WorktypeDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_worktype_version(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, version)): PathParams<(String, i64)>,
) -> ApiResult<Json<WorktypeDto>> {
    let _: Worktype = documents::load(&app, &caller, &id).await?;
    let w: Worktype = query::version(&app, "worktype", &id, version).await?;
    Ok(Json(worktype_dto(&w, &[])))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorkitemStatusCreate)]
pub struct StatusInput {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<crate::api::values::StatusCategory>)]
    pub category: Option<String>,
    #[serde(default)]
    pub destination_status_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub default_destination_status_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub status_transition_delay_seconds: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub status_transition_time: Option<Option<String>>,
    #[serde(default)]
    pub auto_terminate_workitem: Option<bool>,
}

fn status_input(body: StatusInput) -> ApiResult<worktypes::StatusInput> {
    let category = body
        .category
        .as_deref()
        .map(|c| Category::parse("category", c))
        .transpose()?;
    Ok(worktypes::StatusInput {
        name: body.name,
        category,
        description: body.description,
        destination_status_ids: body.destination_status_ids,
        default_destination_status_id: body.default_destination_status_id,
        status_transition_delay_seconds: body.status_transition_delay_seconds,
        status_transition_time: body.status_transition_time,
        auto_terminate_workitem: body.auto_terminate_workitem,
    })
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/worktypes/{worktypeId}/statuses", tag = "Task Management",
    params(("worktypeId" = String, Path, description = "Worktype ID")),
    responses((status = 200, body = StatusListing), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_worktype_statuses(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<StatusListing>> {
    let statuses = worktypes::statuses(&app, &caller, &id).await?;
    let entities: Vec<StatusDto> = statuses.iter().map(|s| status_dto(s, &statuses)).collect();
    Ok(Json(StatusListing {
        total: entities.len() as i64,
        entities,
        self_uri: status_uri(&id),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = WorkitemStatusListing)]
pub struct StatusListing {
    pub total: i64,
    pub entities: Vec<StatusDto>,
    pub self_uri: String,
}

#[utoipa::path(post, path = "/api/v2/taskmanagement/worktypes/{worktypeId}/statuses", tag = "Task Management",
    params(("worktypeId" = String, Path, description = "Worktype ID")), request_body = StatusInput,
    responses((status = 200, body = StatusDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn post_worktype_statuses(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<StatusInput>,
) -> ApiResult<Json<StatusDto>> {
    let s = worktypes::create_status(&app, &caller, &id, status_input(body)?).await?;
    let siblings = worktypes::statuses(&app, &caller, &id).await?;
    Ok(Json(status_dto(&s, &siblings)))
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/worktypes/{worktypeId}/statuses/{statusId}", tag = "Task Management",
    params(("worktypeId" = String, Path, description = "Worktype ID"), ("statusId" = String, Path, description = "Status ID")),
    responses((status = 200, body = StatusDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_worktype_status(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, status_id)): PathParams<(String, String)>,
) -> ApiResult<Json<StatusDto>> {
    let s = worktypes::status(&app, &caller, &id, &status_id).await?;
    let siblings = worktypes::statuses(&app, &caller, &id).await?;
    Ok(Json(status_dto(&s, &siblings)))
}

#[utoipa::path(patch, path = "/api/v2/taskmanagement/worktypes/{worktypeId}/statuses/{statusId}", tag = "Task Management",
    params(("worktypeId" = String, Path, description = "Worktype ID"), ("statusId" = String, Path, description = "Status ID")), request_body = StatusInput,
    responses((status = 200, body = StatusDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_worktype_status(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, status_id)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<StatusInput>,
) -> ApiResult<Json<StatusDto>> {
    if body.category.is_some() {
        return Err(ApiError::bad_request(
            "category",
            "a status's category cannot change",
        ));
    }
    let s = worktypes::update_status(&app, &caller, &id, &status_id, status_input(body)?).await?;
    let siblings = worktypes::statuses(&app, &caller, &id).await?;
    Ok(Json(status_dto(&s, &siblings)))
}

#[utoipa::path(delete, path = "/api/v2/taskmanagement/worktypes/{worktypeId}/statuses/{statusId}", tag = "Task Management",
    params(("worktypeId" = String, Path, description = "Worktype ID"), ("statusId" = String, Path, description = "Status ID")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "the status is in use")), security(("bearer" = [])))]
async fn delete_worktype_status(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, status_id)): PathParams<(String, String)>,
) -> ApiResult<StatusCode> {
    worktypes::delete_status(&app, &caller, &id, &status_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
