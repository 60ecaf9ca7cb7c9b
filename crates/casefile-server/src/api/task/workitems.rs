//! `/api/v2/taskmanagement/workitems`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use casefile_domain::authz::Principal;
use casefile_domain::task::workitem::{Draft, Workitem};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::query::{self, ConfigQuery, encode_cursor};
use crate::api::common::{
    self, ChangeEntry, CursorListing, DIVISIONS, Reference, USERS, instant, parse_instant,
    parse_optional_instant,
};
use crate::api::extract::{Caller, JsonBody, PathParams, QueryParams};
use crate::api::{etag, if_match, nullable};
use crate::app::App;
use crate::app::task::workitems::{self as use_cases, Patch};
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(post_workitems))
        .routes(routes!(post_workitems_query))
        .routes(routes!(get_workitem, patch_workitem, delete_workitem))
        .routes(routes!(post_workitem_terminate))
        .routes(routes!(patch_workitem_assignment))
        .routes(routes!(get_workitem_history))
        .routes(routes!(get_workitem_versions))
        .routes(routes!(get_workitem_version))
}

const BASE: &str = "/api/v2/taskmanagement/workitems";

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkitemSchemaRef {
    pub id: String,
    pub version: i64,
    pub self_uri: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AutoStatusTransitionDetail {
    pub next_status: Reference,
    pub date_of_transition: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Workitem)]
pub struct WorkitemDto {
    pub id: String,
    pub name: String,
    pub division: Reference,
    #[serde(rename = "type")]
    pub worktype: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Reference>,
    pub priority: i64,
    pub date_created: String,
    pub date_modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_expires: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
    pub status: Reference,
    pub status_category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_status_changed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_closed: Option<String>,
    pub workbin: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporter: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_contact: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment_state: Option<String>,
    pub skills: Vec<Reference>,
    pub preferred_agents: Vec<Reference>,
    pub auto_status_transition: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<WorkitemSchemaRef>,
    #[schema(value_type = Object)]
    pub custom_fields: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_status_transition_detail: Option<AutoStatusTransitionDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script: Option<Reference>,
    /// casefile: the case this workitem does a stage of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    pub version: i64,
    pub self_uri: String,
}

pub fn to_dto(w: &Workitem) -> WorkitemDto {
    let statuses = format!("/api/v2/taskmanagement/worktypes/{}/statuses", w.type_id);
    WorkitemDto {
        id: w.id.clone(),
        name: w.name.clone(),
        division: Reference::new(&w.division_id, None, DIVISIONS),
        worktype: Reference::new(&w.type_id, None, "/api/v2/taskmanagement/worktypes"),
        description: w.description.clone(),
        language: w
            .language_id
            .as_deref()
            .map(|l| Reference::new(l, None, "/api/v2/routing/languages")),
        priority: w.priority,
        date_created: instant(w.date_created),
        date_modified: instant(w.date_modified),
        date_due: w.date_due.map(instant),
        date_expires: w.date_expires.map(instant),
        duration_seconds: w.duration_seconds,
        ttl: w.ttl,
        status: Reference::new(&w.status_id, None, &statuses),
        status_category: w.status_category.as_str(),
        date_status_changed: w.date_status_changed.map(instant),
        date_closed: w.date_closed.map(instant),
        workbin: Reference::new(&w.workbin_id, None, "/api/v2/taskmanagement/workbins"),
        reporter: w
            .reporter_id
            .as_deref()
            .map(|u| Reference::new(u, None, USERS)),
        assignee: w
            .assignee_id
            .as_deref()
            .map(|u| Reference::new(u, None, USERS)),
        external_contact: w
            .external_contact_id
            .as_deref()
            .map(|c| Reference::new(c, None, "/api/v2/externalcontacts/contacts")),
        external_tag: w.external_tag.clone(),
        modified_by: w
            .modified_by
            .as_deref()
            .map(|u| Reference::new(u, None, USERS)),
        queue: w
            .queue_id
            .as_deref()
            .map(|q| Reference::new(q, None, "/api/v2/routing/queues")),
        assignment_state: w.assignment_state.clone(),
        skills: w
            .skill_ids
            .iter()
            .map(|s| Reference::new(s, None, "/api/v2/routing/skills"))
            .collect(),
        preferred_agents: w
            .preferred_agent_ids
            .iter()
            .map(|u| Reference::new(u, None, USERS))
            .collect(),
        auto_status_transition: w.auto_status_transition,
        schema: match (&w.schema_id, w.schema_version) {
            (Some(id), Some(v)) => Some(WorkitemSchemaRef {
                id: id.clone(),
                version: v,
                self_uri: format!("{BASE}/schemas/{id}/versions/{v}"),
            }),
            _ => None,
        },
        custom_fields: w.custom_fields.clone(),
        auto_status_transition_detail: match (&w.auto_transition_to, w.auto_transition_at) {
            (Some(to), Some(at)) => Some(AutoStatusTransitionDetail {
                next_status: Reference::new(to, None, &statuses),
                date_of_transition: instant(at),
            }),
            _ => None,
        },
        script: w
            .script_id
            .as_deref()
            .map(|s| Reference::new(s, None, "/api/v2/scripts")),
        case_id: w.case_id.clone(),
        version: w.version,
        self_uri: format!("{BASE}/{}", w.id),
    }
}

fn respond(w: &Workitem) -> (HeaderMap, Json<WorkitemDto>) {
    (etag(w.version), Json(to_dto(w)))
}

/// `WorkitemCreate`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorkitemCreate)]
pub struct WorkitemCreate {
    pub name: String,
    pub type_id: String,
    #[serde(default)]
    pub priority: Option<i64>,
    #[serde(default)]
    #[schema(format = DateTime)]
    pub date_due: Option<String>,
    #[serde(default)]
    #[schema(format = DateTime)]
    pub date_expires: Option<String>,
    #[serde(default)]
    pub duration_seconds: Option<i64>,
    #[serde(default)]
    pub ttl: Option<i64>,
    #[serde(default)]
    pub status_id: Option<String>,
    #[serde(default)]
    pub workbin_id: Option<String>,
    #[serde(default)]
    pub auto_status_transition: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<Map<String, Value>>,
    #[serde(default)]
    #[schema(format = Uuid)]
    pub queue_id: Option<String>,
    #[serde(default)]
    pub assignee_id: Option<String>,
    #[serde(default)]
    #[schema(format = Uuid)]
    pub language_id: Option<String>,
    #[serde(default)]
    #[schema(format = Uuid)]
    pub external_contact_id: Option<String>,
    #[serde(default)]
    pub external_tag: Option<String>,
    #[serde(default)]
    pub skill_ids: Option<Vec<String>>,
    #[serde(default)]
    #[schema(format = Uuid)]
    pub script_id: Option<String>,
    #[serde(default)]
    pub preferred_agent_ids: Option<Vec<String>>,
    /// casefile: the case whose stage this workitem does (set by the case engine).
    #[serde(default)]
    pub case_id: Option<String>,
}

fn uuid(field: &str, value: Option<&str>) -> ApiResult<()> {
    if let Some(v) = value
        && uuid::Uuid::parse_str(v).is_err()
    {
        return Err(ApiError::bad_request(field, "must be a valid UUID"));
    }
    Ok(())
}

fn uuids(field: &str, values: Option<&Vec<String>>) -> ApiResult<()> {
    for (i, v) in values.into_iter().flatten().enumerate() {
        uuid(&format!("{field}[{i}]"), Some(v))?;
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v2/taskmanagement/workitems", tag = "Task Management", request_body = WorkitemCreate,
    responses((status = 200, body = WorkitemDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_workitems(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<WorkitemCreate>,
) -> ApiResult<(HeaderMap, Json<WorkitemDto>)> {
    uuid("queueId", body.queue_id.as_deref())?;
    uuid("languageId", body.language_id.as_deref())?;
    uuid("scriptId", body.script_id.as_deref())?;
    uuid("externalContactId", body.external_contact_id.as_deref())?;
    uuids("skillIds", body.skill_ids.as_ref())?;
    uuids("preferredAgentIds", body.preferred_agent_ids.as_ref())?;
    let draft = Draft {
        name: body.name,
        description: body.description,
        workbin_id: body.workbin_id,
        status_id: body.status_id,
        priority: body.priority,
        date_due: body
            .date_due
            .as_deref()
            .map(|d| parse_instant("dateDue", d))
            .transpose()?,
        date_expires: body
            .date_expires
            .as_deref()
            .map(|d| parse_instant("dateExpires", d))
            .transpose()?,
        duration_seconds: body.duration_seconds,
        ttl: body.ttl,
        assignee_id: body.assignee_id,
        queue_id: body.queue_id,
        language_id: body.language_id,
        external_contact_id: body.external_contact_id,
        external_tag: body.external_tag,
        case_id: body.case_id,
        skill_ids: body.skill_ids,
        preferred_agent_ids: body.preferred_agent_ids.unwrap_or_default(),
        script_id: body.script_id,
        auto_status_transition: body.auto_status_transition,
        custom_fields: body.custom_fields.unwrap_or_default(),
    };
    let w = use_cases::create(&app, &caller, &body.type_id, draft).await?;
    Ok(respond(&w))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = WorkitemPostQueryEntityListing)]
pub struct WorkitemListing {
    pub entities: Vec<WorkitemDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_uri: Option<String>,
    pub self_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

pub async fn run_query(
    app: &App,
    caller: &Principal,
    body: &ConfigQuery,
) -> ApiResult<WorkitemListing> {
    let (mut q, count_only) = query::workitem_query(body)?;
    let self_uri = format!("{BASE}/query");
    if count_only {
        let count = use_cases::count(app, caller, q).await?;
        return Ok(WorkitemListing {
            entities: Vec::new(),
            after: None,
            next_uri: None,
            self_uri,
            count: Some(count),
        });
    }
    let size = q.limit;
    q.limit = size + 1;
    let sorter = q.clone();
    let mut items = use_cases::query(app, caller, q).await?;
    let more = items.len() as i64 > size;
    items.truncate(size as usize);
    let after = if more {
        items
            .last()
            .map(|w| encode_cursor(sorter.sort_key(w), &w.id))
    } else {
        None
    };
    Ok(WorkitemListing {
        count: Some(items.len() as i64),
        entities: items.iter().map(to_dto).collect(),
        next_uri: after.as_ref().map(|_| self_uri.clone()),
        after,
        self_uri,
    })
}

#[utoipa::path(post, path = "/api/v2/taskmanagement/workitems/query", tag = "Task Management", request_body = ConfigQuery,
    responses((status = 200, body = WorkitemListing), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_workitems_query(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<ConfigQuery>,
) -> ApiResult<Json<WorkitemListing>> {
    Ok(Json(run_query(&app, &caller, &body).await?))
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/{workitemId}", tag = "Task Management",
    params(("workitemId" = String, Path, description = "Workitem ID")),
    responses((status = 200, body = WorkitemDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_workitem(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<(HeaderMap, Json<WorkitemDto>)> {
    Ok(respond(&use_cases::get(&app, &caller, &id).await?))
}

/// `WorkitemUpdate`. Genesys's routing fields `assignmentOperation`, `assignmentState`,
/// `dateClosed`, `scoredAgents` and `utilizationLabelId` are refused with 400 naming the field
/// until casefile routes work.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorkitemUpdate)]
pub struct WorkitemUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub priority: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(format = DateTime, value_type = Option<String>)]
    pub date_due: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(format = DateTime, value_type = Option<String>)]
    pub date_expires: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub duration_seconds: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub ttl: Option<Option<i64>>,
    #[serde(default)]
    pub status_id: Option<String>,
    #[serde(default)]
    pub workbin_id: Option<String>,
    #[serde(default)]
    pub auto_status_transition: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub custom_fields: Option<Map<String, Value>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(format = Uuid, value_type = Option<String>)]
    pub queue_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(format = Uuid, value_type = Option<String>)]
    pub external_contact_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_tag: Option<Option<String>>,
    #[serde(default)]
    pub skill_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(format = Uuid, value_type = Option<String>)]
    pub language_id: Option<Option<String>>,
    #[serde(default)]
    pub preferred_agent_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(format = Uuid, value_type = Option<String>)]
    pub script_id: Option<Option<String>>,
    // Routing is not part of casefile yet: `assignmentOperation`, `assignmentState`,
    // `dateClosed`, `scoredAgents` and `utilizationLabelId` are refused with 400 naming the
    // field, so the document leaves them out (the body's description names them).
    #[serde(default)]
    #[schema(ignore)]
    pub assignment_operation: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub assignment_state: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub date_closed: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub scored_agents: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub utilization_label_id: Option<Value>,
}

fn refuse_unsupported(body: &WorkitemUpdate) -> ApiResult<()> {
    for (field, present) in [
        ("assignmentOperation", body.assignment_operation.is_some()),
        ("assignmentState", body.assignment_state.is_some()),
        ("dateClosed", body.date_closed.is_some()),
        ("scoredAgents", body.scored_agents.is_some()),
        ("utilizationLabelId", body.utilization_label_id.is_some()),
    ] {
        if present {
            return Err(ApiError::bad_request(
                field,
                "is not supported by casefile yet (set by routing and statuses)",
            ));
        }
    }
    Ok(())
}

#[utoipa::path(patch, path = "/api/v2/taskmanagement/workitems/{workitemId}", tag = "Task Management",
    params(("workitemId" = String, Path, description = "Workitem ID"), ("If-Match" = Option<String>, Header, pattern = r#"^(\*|(W/)*"*[+-]?[0-9]{1,18}"*)$"#, description = "the version (ETag) the change is based on")), request_body = WorkitemUpdate,
    responses((status = 200, body = WorkitemDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_workitem(
    State(app): State<App>,
    Caller(caller): Caller,
    headers: HeaderMap,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<WorkitemUpdate>,
) -> ApiResult<(HeaderMap, Json<WorkitemDto>)> {
    refuse_unsupported(&body)?;
    for (field, value) in [
        ("queueId", &body.queue_id),
        ("externalContactId", &body.external_contact_id),
        ("languageId", &body.language_id),
        ("scriptId", &body.script_id),
    ] {
        uuid(field, value.as_ref().and_then(Option::as_deref))?;
    }
    uuids("skillIds", body.skill_ids.as_ref())?;
    uuids("preferredAgentIds", body.preferred_agent_ids.as_ref())?;
    let patch = Patch {
        name: body.name,
        description: body.description,
        priority: body.priority,
        date_due: parse_optional_instant("dateDue", body.date_due)?,
        date_expires: parse_optional_instant("dateExpires", body.date_expires)?,
        duration_seconds: body.duration_seconds,
        ttl: body.ttl,
        status_id: body.status_id,
        workbin_id: body.workbin_id,
        auto_status_transition: body.auto_status_transition,
        custom_fields: body.custom_fields,
        queue_id: body.queue_id,
        assignee_id: body.assignee_id,
        external_contact_id: body.external_contact_id,
        external_tag: body.external_tag,
        skill_ids: body.skill_ids,
        language_id: body.language_id,
        preferred_agent_ids: body.preferred_agent_ids,
        script_id: body.script_id,
    };
    let w = use_cases::update(&app, &caller, &id, patch, if_match(&headers)?).await?;
    Ok(respond(&w))
}

/// Delete a workitem.
///
/// The workitem that does a case's open stage cannot be deleted (409 naming the case): the
/// case would stay in progress with nothing to work. Terminate the workitem (which ends the
/// case with it) or the case instead; once its stage or case is over it may be deleted.
#[utoipa::path(delete, path = "/api/v2/taskmanagement/workitems/{workitemId}", tag = "Task Management",
    params(("workitemId" = String, Path, description = "Workitem ID")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody),
        (status = 409, description = "the workitem does a case's open stage", body = ErrorBody)), security(("bearer" = [])))]
async fn delete_workitem(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    use_cases::delete(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `WorkitemTerminate`: optionally the Closed-category status to end in.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorkitemTerminate)]
pub struct Terminate {
    #[serde(default)]
    pub status_id: Option<String>,
}

/// Terminate a workitem.
///
/// With a `statusId` (a Closed-category status) the workitem first moves there, so for a
/// case's stage workitem the stage completes and the case moves on, as on any close. Without
/// one, a stage workitem ends undone: its stage and case are terminated with it, in the same
/// transaction (a bulk terminate job does the same for each of its workitems).
#[utoipa::path(post, path = "/api/v2/taskmanagement/workitems/{workitemId}/terminate", tag = "Task Management",
    params(("workitemId" = String, Path, description = "Workitem ID")), request_body(content = Terminate, description = "optional"),
    responses((status = 200, body = WorkitemDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn post_workitem_terminate(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    body: axum::body::Bytes,
) -> ApiResult<(HeaderMap, Json<WorkitemDto>)> {
    let text = String::from_utf8_lossy(&body);
    let terminate: Terminate = if text.trim().is_empty() || text.trim() == "null" {
        Terminate::default()
    } else {
        crate::api::extract::parse_json(&body)?
    };
    Ok(respond(
        &use_cases::terminate_in(&app, &caller, &id, terminate.status_id).await?,
    ))
}

/// `WorkitemManualAssign`: the user to assign (`id`); casefile also takes `assigneeId`, and
/// neither (or `null`) unassigns.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorkitemManualAssign)]
pub struct ManualAssign {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub assignee_id: Option<String>,
}

#[utoipa::path(patch, path = "/api/v2/taskmanagement/workitems/{workitemId}/assignment", tag = "Task Management",
    params(("workitemId" = String, Path, description = "Workitem ID")), request_body = ManualAssign,
    responses((status = 204, description = "assigned"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_workitem_assignment(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<ManualAssign>,
) -> ApiResult<(StatusCode, HeaderMap)> {
    if body.id.is_some() && body.assignee_id.is_some() && body.id != body.assignee_id {
        return Err(ApiError::bad_request(
            "id",
            "id and assigneeId name different users",
        ));
    }
    let assignee = body.id.or(body.assignee_id);
    uuid("id", assignee.as_deref())?;
    let w = use_cases::assign(&app, &caller, &id, assignee).await?;
    Ok((StatusCode::NO_CONTENT, etag(w.version)))
}

fn history_name(key: &str) -> Option<String> {
    let name = match key {
        "version" | "date_created" | "id" | "type_id" | "division_id" | "schema_id"
        | "schema_version" | "date_modified" | "auto_transition_at" | "auto_transition_to"
        | "terminated" => return None,
        "duration_seconds" => "durationSeconds".to_owned(),
        other => common::camel(other),
    };
    Some(name)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/{workitemId}/history", tag = "Task Management",
    params(("workitemId" = String, Path, description = "Workitem ID"), ("after" = Option<String>, Query, description = "cursor"), ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1 to 200"), ("sortOrder" = inline(Option<crate::api::values::SortOrder>), Query, description = "ascending (default) or descending")),
    responses((status = 200, body = CursorListing<ChangeEntry>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_workitem_history(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    q: QueryParams,
) -> ApiResult<Json<CursorListing<ChangeEntry>>> {
    use_cases::get(&app, &caller, &id).await?;
    let events = crate::app::history::events(&app, use_cases::ENTITY, &id).await?;
    let entries = common::history(events, history_name);
    query::history_page(entries, &q, &format!("{BASE}/{id}/history")).map(Json)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/{workitemId}/versions", tag = "Task Management",
    params(("workitemId" = String, Path, description = "Workitem ID"), ("after" = Option<String>, Query, description = "cursor"), ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1 to 200"), ("sortOrder" = inline(Option<crate::api::values::SortOrder>), Query, description = "ascending (default) or descending")),
    responses((status = 200, body = CursorListing<WorkitemDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_workitem_versions(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    q: QueryParams,
) -> ApiResult<Json<CursorListing<WorkitemDto>>> {
    use_cases::get(&app, &caller, &id).await?;
    let versions: Vec<Workitem> =
        crate::app::history::versions(&app, use_cases::ENTITY, &id).await?;
    query::versions_page(
        versions.iter().map(to_dto).collect(),
        &q,
        &format!("{BASE}/{id}/versions"),
    )
    .map(Json)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/{workitemId}/versions/{entityVersion}", tag = "Task Management",
    params(("workitemId" = String, Path, description = "Workitem ID"), ("entityVersion" = i64, Path, description = "Version")),
    responses((status = 200, body = WorkitemDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_workitem_version(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, version)): PathParams<(String, String)>,
) -> ApiResult<Json<WorkitemDto>> {
    use_cases::get(&app, &caller, &id).await?;
    let version: i64 = version
        .parse()
        .map_err(|_| ApiError::bad_request("entityVersion", "must be a positive integer"))?;
    let w: Workitem = crate::app::history::version(&app, use_cases::ENTITY, &id, version).await?;
    Ok(Json(to_dto(&w)))
}
