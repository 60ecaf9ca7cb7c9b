//! `/api/v2/casemanagement/cases`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use casefile_domain::case::engine::{Case, Priority, Stage};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::common::{
    CursorListing, DIVISIONS, Reference, USERS, cursor_page_size, instant, page_slice,
    parse_instant,
};
use crate::api::etag;
use crate::api::extract::{Caller, JsonBody, PathParams, QueryParams};
use crate::app::App;
use crate::app::case_management::activity::{self, Association, AssociationType, Comment};
use crate::app::case_management::cases::{self as use_cases, Input};
use crate::app::task::jobs;
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(post_cases))
        .routes(routes!(get_case, delete_case))
        .routes(routes!(get_case_by_reference))
        .routes(routes!(get_cases_by_contact))
        .routes(routes!(patch_owner))
        .routes(routes!(patch_priority))
        .routes(routes!(patch_datedue))
        .routes(routes!(patch_summary))
        .routes(routes!(patch_description))
        .routes(routes!(patch_externalid))
        .routes(routes!(get_stages))
        .routes(routes!(get_stage))
        .routes(routes!(get_steps))
        .routes(routes!(get_step))
        .routes(routes!(get_comments, post_comments))
        .routes(routes!(get_comment, delete_comment))
        .routes(routes!(delete_my_comment))
        .routes(routes!(get_associations, post_associations))
        .routes(routes!(get_association))
        .routes(routes!(post_query_jobs))
        .routes(routes!(get_query_job))
        .routes(routes!(get_query_job_results))
        .routes(routes!(post_associations_query))
        .routes(routes!(post_terminate_job))
        .routes(routes!(get_terminate_job))
}

const BASE: &str = "/api/v2/casemanagement/cases";

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Case)]
pub struct CaseDto {
    pub id: String,
    pub division: Reference,
    pub version: i64,
    pub reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub caseplan: CaseplanRef,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Reference>,
    pub status: &'static str,
    pub priority: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_started: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_closed: Option<String>,
    pub date_created: String,
    pub date_modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_contact: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_intent: Option<Reference>,
    pub creation_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<i64>,
    /// casefile: the case's attribute values.
    #[schema(value_type = Object)]
    pub data: Map<String, Value>,
    pub self_uri: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseplanRef {
    pub id: String,
    pub version: i64,
    pub self_uri: String,
}

pub fn to_dto(c: &Case) -> CaseDto {
    let division = match &c.division_id {
        Some(d) => Reference::new(d, None, DIVISIONS),
        None => Reference {
            id: "*".into(),
            name: Some("All divisions".into()),
            self_uri: DIVISIONS.into(),
        },
    };
    CaseDto {
        id: c.id.clone(),
        division,
        version: c.version,
        reference: c.reference.clone(),
        external_id: c.external_id.clone(),
        caseplan: CaseplanRef {
            id: c.caseplan_id.clone(),
            version: c.caseplan_version,
            self_uri: format!(
                "/api/v2/casemanagement/caseplans/{}/versions/{}",
                c.caseplan_id, c.caseplan_version
            ),
        },
        summary: c.summary.clone(),
        description: c.description.clone(),
        owner: c
            .owner_id
            .as_deref()
            .map(|u| Reference::new(u, None, USERS)),
        status: c.status.as_str(),
        priority: c.priority.as_str(),
        date_due: c.date_due.map(instant),
        date_started: c.date_started.map(instant),
        date_closed: c.date_closed.map(instant),
        date_created: instant(c.date_created),
        date_modified: instant(c.date_modified),
        modified_by: c
            .modified_by
            .as_deref()
            .map(|u| Reference::new(u, None, USERS)),
        external_contact: c
            .external_contact_id
            .as_deref()
            .map(|x| Reference::new(x, None, "/api/v2/externalcontacts/contacts")),
        customer_intent: c
            .customer_intent_id
            .as_deref()
            .map(|i| Reference::new(i, None, "/api/v2/intents/customerintents")),
        creation_status: "Completed",
        ttl_seconds: c.ttl_seconds,
        data: c.data.clone(),
        self_uri: format!("{BASE}/{}", c.id),
    }
}

fn respond(c: &Case) -> (HeaderMap, Json<CaseDto>) {
    (etag(c.version), Json(to_dto(c)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IntakeDto {
    #[schema(value_type = Object)]
    pub data: Map<String, Value>,
}

/// `CaseCreate`; casefile also takes `priority` and `dateDue`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CaseCreate)]
pub struct CaseCreate {
    pub caseplan_id: String,
    #[serde(default)]
    pub owner_id: Option<String>,
    pub summary: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub external_contact_id: Option<String>,
    #[serde(default)]
    pub conversation_id: Option<String>,
    #[serde(default)]
    pub workitem_id: Option<String>,
    #[serde(default)]
    pub ttl_seconds: Option<i64>,
    #[serde(default)]
    pub intake: Option<Vec<IntakeDto>>,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub date_due: Option<String>,
}

#[utoipa::path(post, path = "/api/v2/casemanagement/cases", tag = "Case Management", request_body = CaseCreate,
    responses((status = 200, body = CaseDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_cases(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CaseCreate>,
) -> ApiResult<(HeaderMap, Json<CaseDto>)> {
    if let Some(w) = &body.workitem_id {
        crate::app::task::workitems::get(&app, &caller, w)
            .await
            .map_err(|_| ApiError::bad_request("workitemId", "workitem not found"))?;
    }
    let input = Input {
        caseplan_id: body.caseplan_id,
        owner_id: body.owner_id,
        summary: body.summary,
        description: body.description,
        external_id: body.external_id,
        external_contact_id: body.external_contact_id,
        conversation_id: body.conversation_id,
        workitem_id: body.workitem_id,
        ttl_seconds: body.ttl_seconds,
        priority: body
            .priority
            .as_deref()
            .map(|p| Priority::parse("priority", p))
            .transpose()?,
        date_due: body
            .date_due
            .as_deref()
            .map(|d| parse_instant("dateDue", d))
            .transpose()?,
        intake: body
            .intake
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.data)
            .collect(),
    };
    let c = use_cases::create(&app, &caller, input).await?;
    Ok(respond(&c))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/{caseId}", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID")),
    responses((status = 200, body = CaseDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_case(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<(HeaderMap, Json<CaseDto>)> {
    Ok(respond(&use_cases::get(&app, &caller, &id).await?))
}

/// Deleting a case terminates it (its history stays, as for users).
#[utoipa::path(delete, path = "/api/v2/casemanagement/cases/{caseId}", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID")),
    responses((status = 204, description = "terminated"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_case(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    use_cases::terminate(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/references/{referenceId}", tag = "Case Management",
    params(("referenceId" = String, Path, description = "Case reference, any letter case")),
    responses((status = 200, body = CaseDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_case_by_reference(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(reference): PathParams<String>,
) -> ApiResult<(HeaderMap, Json<CaseDto>)> {
    Ok(respond(
        &use_cases::by_reference(&app, &caller, &reference).await?,
    ))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/externalcontacts/{externalContactId}", tag = "Case Management",
    params(("externalContactId" = String, Path, description = "External contact ID"), ("after" = Option<String>, Query, description = "cursor"), ("pageSize" = Option<i64>, Query, description = "1 to 200")),
    responses((status = 200, body = CursorListing<CaseDto>)), security(("bearer" = [])))]
async fn get_cases_by_contact(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(contact): PathParams<String>,
    q: QueryParams,
) -> ApiResult<Json<CursorListing<CaseDto>>> {
    let cases = use_cases::by_contact(&app, &caller, &contact).await?;
    let size = cursor_page_size(Some(q.int("pageSize", 1, 200, 25)?))?;
    page_slice(
        cases.iter().map(to_dto).collect(),
        q.str("after"),
        size,
        &format!("{BASE}/externalcontacts/{contact}"),
    )
    .map(Json)
}

macro_rules! patch_field {
    ($fn_name:ident, $path:literal, $body:ident, $field:ident, $json:literal, $kind:literal, $apply:expr) => {
        #[derive(Debug, Deserialize, ToSchema)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $body {
            #[serde(default)]
            pub $field: Option<String>,
        }

        #[utoipa::path(patch, path = $path, tag = "Case Management",
            params(("caseId" = String, Path, description = "Case ID")), request_body = $body,
            responses((status = 200, body = CaseDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
        async fn $fn_name(State(app): State<App>, Caller(caller): Caller, PathParams(id): PathParams<String>, JsonBody(body): JsonBody<$body>) -> ApiResult<(HeaderMap, Json<CaseDto>)> {
            let value = body.$field;
            let apply: fn(&mut Case, Option<String>) -> crate::app::error::Result<()> = $apply;
            let c = use_cases::edit(&app, &caller, &id, $kind, |c| apply(c, value)).await?;
            Ok(respond(&c))
        }
    };
}

patch_field!(
    patch_owner,
    "/api/v2/casemanagement/cases/{caseId}/owner",
    CaseOwnerUpdate,
    owner_id,
    "ownerId",
    "case.owner_changed",
    |c, v| {
        c.owner_id = v;
        Ok(())
    }
);
patch_field!(
    patch_priority,
    "/api/v2/casemanagement/cases/{caseId}/priority",
    CasePriorityUpdate,
    priority,
    "priority",
    "case.priority_changed",
    |c, v| {
        let v =
            v.ok_or_else(|| crate::app::error::Error::bad_request("priority", "is required"))?;
        c.priority = Priority::parse("priority", &v)?;
        Ok(())
    }
);
patch_field!(
    patch_datedue,
    "/api/v2/casemanagement/cases/{caseId}/datedue",
    CaseDateDueUpdate,
    date_due,
    "dateDue",
    "case.date_due_changed",
    |c, v| {
        c.date_due = v
            .as_deref()
            .map(|d| parse_instant("dateDue", d))
            .transpose()?;
        Ok(())
    }
);
patch_field!(
    patch_summary,
    "/api/v2/casemanagement/cases/{caseId}/summary",
    CaseSummaryUpdate,
    summary,
    "summary",
    "case.summary_changed",
    |c, v| {
        c.summary = casefile_domain::invalid::required_text(
            "summary",
            v.as_deref().unwrap_or(""),
            use_cases::SUMMARY_MIN,
            use_cases::SUMMARY_MAX,
        )?;
        Ok(())
    }
);
patch_field!(
    patch_description,
    "/api/v2/casemanagement/cases/{caseId}/description",
    CaseDescriptionUpdate,
    description,
    "description",
    "case.description_changed",
    |c, v| {
        c.description = casefile_domain::invalid::optional_text("description", v.as_deref(), 512)?;
        Ok(())
    }
);
patch_field!(
    patch_externalid,
    "/api/v2/casemanagement/cases/{caseId}/externalid",
    CaseExternalIdUpdate,
    external_id,
    "externalId",
    "case.external_id_changed",
    |c, v| {
        c.external_id = casefile_domain::invalid::optional_text(
            "externalId",
            v.as_deref(),
            use_cases::EXTERNAL_ID_MAX,
        )?;
        Ok(())
    }
);

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Stage)]
pub struct StageDto {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Stages and steps are created with their case.
    pub date_created: String,
    pub date_modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_completed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_started: Option<String>,
    pub version: i64,
    pub status: &'static str,
    pub case: Reference,
    pub self_uri: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Step)]
pub struct StepDto {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Stages and steps are created with their case.
    pub date_created: String,
    pub date_modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_completed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_started: Option<String>,
    pub version: i64,
    pub status: &'static str,
    pub stage: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workitem_activity: Option<Reference>,
    pub case: Reference,
    pub self_uri: String,
}

fn stage_dto(c: &Case, s: &Stage) -> StageDto {
    StageDto {
        id: s.id.clone(),
        name: s.name.clone(),
        description: s.description.clone(),
        date_created: instant(c.date_created),
        date_modified: instant(s.date_modified),
        date_completed: s.date_completed.map(instant),
        date_started: s.date_started.map(instant),
        version: s.version,
        status: s.status.as_str(),
        case: Reference::new(&c.id, None, BASE),
        self_uri: format!("{BASE}/{}/stages/{}", c.id, s.id),
    }
}

fn step_dto(c: &Case, s: &Stage) -> StepDto {
    let st = &s.step;
    StepDto {
        id: st.id.clone(),
        name: st.name.clone(),
        description: st.description.clone(),
        date_created: instant(c.date_created),
        date_modified: instant(st.date_modified),
        date_completed: st.date_completed.map(instant),
        date_started: st.date_started.map(instant),
        version: st.version,
        status: st.status.as_str(),
        stage: Reference::new(&s.id, None, &format!("{BASE}/{}/stages", c.id)),
        workitem_activity: st
            .workitem_id
            .as_deref()
            .map(|w| Reference::new(w, None, "/api/v2/taskmanagement/workitems")),
        case: Reference::new(&c.id, None, BASE),
        self_uri: format!("{BASE}/{}/stages/{}/steps/{}", c.id, s.id, st.id),
    }
}

fn stage<'a>(c: &'a Case, id: &str) -> ApiResult<&'a Stage> {
    c.stages
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| ApiError::not_found("stage"))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entities<T> {
    pub entities: Vec<T>,
    pub self_uri: String,
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/{caseId}/stages", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID")),
    responses((status = 200, body = Entities<StageDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_stages(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Entities<StageDto>>> {
    let c = use_cases::get(&app, &caller, &id).await?;
    Ok(Json(Entities {
        entities: c.stages.iter().map(|s| stage_dto(&c, s)).collect(),
        self_uri: format!("{BASE}/{id}/stages"),
    }))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/{caseId}/stages/{stageId}", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID"), ("stageId" = String, Path, description = "Stage ID")),
    responses((status = 200, body = StageDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_stage(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, sid)): PathParams<(String, String)>,
) -> ApiResult<Json<StageDto>> {
    let c = use_cases::get(&app, &caller, &id).await?;
    Ok(Json(stage_dto(&c, stage(&c, &sid)?)))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/{caseId}/stages/{stageId}/steps", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID"), ("stageId" = String, Path, description = "Stage ID")),
    responses((status = 200, body = Entities<StepDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_steps(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, sid)): PathParams<(String, String)>,
) -> ApiResult<Json<Entities<StepDto>>> {
    let c = use_cases::get(&app, &caller, &id).await?;
    let s = stage(&c, &sid)?;
    Ok(Json(Entities {
        entities: vec![step_dto(&c, s)],
        self_uri: format!("{BASE}/{id}/stages/{sid}/steps"),
    }))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/{caseId}/stages/{stageId}/steps/{stepId}", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID"), ("stageId" = String, Path, description = "Stage ID"), ("stepId" = String, Path, description = "Step ID")),
    responses((status = 200, body = StepDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_step(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, sid, stid)): PathParams<(String, String, String)>,
) -> ApiResult<Json<StepDto>> {
    let c = use_cases::get(&app, &caller, &id).await?;
    let s = stage(&c, &sid)?;
    if s.step.id != stid {
        return Err(ApiError::not_found("step"));
    }
    Ok(Json(step_dto(&c, s)))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Comment)]
pub struct CommentDto {
    pub id: String,
    pub content: String,
    pub user: Reference,
    pub modified_by: Reference,
    pub date_created: String,
    pub date_modified: String,
    pub self_uri: String,
}

fn comment_dto(c: &Comment) -> CommentDto {
    CommentDto {
        id: c.id.clone(),
        content: c.content.clone(),
        user: Reference::new(&c.author_id, None, USERS),
        modified_by: Reference::new(&c.author_id, None, USERS),
        date_created: instant(c.date_created),
        date_modified: instant(c.date_modified),
        self_uri: format!("{BASE}/{}/comments/{}", c.case_id, c.id),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CommentCreate)]
pub struct CommentCreate {
    pub content: String,
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/{caseId}/comments", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID"), ("after" = Option<String>, Query, description = "cursor"), ("pageSize" = Option<i64>, Query, description = "1 to 100"), ("sortOrder" = Option<String>, Query, description = "ascending or descending")),
    responses((status = 200, body = CursorListing<CommentDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_comments(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    q: QueryParams,
) -> ApiResult<Json<CursorListing<CommentDto>>> {
    let mut all: Vec<CommentDto> = activity::comments(&app, &caller, &id)
        .await?
        .iter()
        .map(comment_dto)
        .collect();
    if q.str("sortOrder")
        .is_some_and(|s| s.eq_ignore_ascii_case("desc") || s.eq_ignore_ascii_case("descending"))
    {
        all.reverse();
    }
    page_slice(
        all,
        q.str("after"),
        q.int("pageSize", 1, 100, 25)?,
        &format!("{BASE}/{id}/comments"),
    )
    .map(Json)
}

#[utoipa::path(post, path = "/api/v2/casemanagement/cases/{caseId}/comments", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID")), request_body = CommentCreate,
    responses((status = 200, body = CommentDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn post_comments(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<CommentCreate>,
) -> ApiResult<Json<CommentDto>> {
    Ok(Json(comment_dto(
        &activity::add_comment(&app, &caller, &id, &body.content).await?,
    )))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/{caseId}/comments/{commentId}", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID"), ("commentId" = String, Path, description = "Comment ID")),
    responses((status = 200, body = CommentDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_comment(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, cid)): PathParams<(String, String)>,
) -> ApiResult<Json<CommentDto>> {
    Ok(Json(comment_dto(
        &activity::comment(&app, &caller, &id, &cid).await?,
    )))
}

#[utoipa::path(delete, path = "/api/v2/casemanagement/cases/{caseId}/comments/{commentId}", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID"), ("commentId" = String, Path, description = "Comment ID")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_comment(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, cid)): PathParams<(String, String)>,
) -> ApiResult<StatusCode> {
    activity::delete_comment(&app, &caller, &id, &cid, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v2/casemanagement/cases/{caseId}/comments/me/{commentId}", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID"), ("commentId" = String, Path, description = "Comment ID")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_my_comment(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, cid)): PathParams<(String, String)>,
) -> ApiResult<StatusCode> {
    activity::delete_comment(&app, &caller, &id, &cid, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CaseAssociation)]
pub struct AssociationDto {
    pub id: String,
    pub association_type: &'static str,
    pub date_associated: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workitem: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<Reference>,
    pub case: Reference,
    pub self_uri: String,
}

fn association_dto(a: &Association) -> AssociationDto {
    AssociationDto {
        id: a.id.clone(),
        association_type: a.kind.as_str(),
        date_associated: instant(a.date_associated),
        workitem: a
            .workitem_id
            .as_deref()
            .map(|w| Reference::new(w, None, "/api/v2/taskmanagement/workitems")),
        conversation: a
            .conversation_id
            .as_deref()
            .map(|c| Reference::new(c, None, "/api/v2/conversations")),
        stage: a
            .stage_id
            .as_deref()
            .map(|s| Reference::new(s, None, &format!("{BASE}/{}/stages", a.case_id))),
        step: a
            .step_id
            .as_deref()
            .map(|s| Reference::new(s, None, &format!("{BASE}/{}/steps", a.case_id))),
        case: Reference::new(&a.case_id, None, BASE),
        self_uri: format!("{BASE}/{}/associations/{}", a.case_id, a.id),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CaseAssociationCreate)]
pub struct AssociationCreate {
    #[serde(default)]
    pub workitem_id: Option<String>,
    #[serde(default)]
    pub conversation_id: Option<String>,
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/{caseId}/associations", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID")),
    responses((status = 200, body = CursorListing<AssociationDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_associations(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    q: QueryParams,
) -> ApiResult<Json<CursorListing<AssociationDto>>> {
    let all: Vec<AssociationDto> = activity::associations(&app, &caller, &id)
        .await?
        .iter()
        .map(association_dto)
        .collect();
    page_slice(
        all,
        q.str("after"),
        q.int("pageSize", 1, 200, 25)?,
        &format!("{BASE}/{id}/associations"),
    )
    .map(Json)
}

/// A conversation associated after creation is an Enquiry (a follow-up found by reference);
/// a workitem is an Activity.
#[utoipa::path(post, path = "/api/v2/casemanagement/cases/{caseId}/associations", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID")), request_body = AssociationCreate,
    responses((status = 200, body = AssociationDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn post_associations(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<AssociationCreate>,
) -> ApiResult<Json<AssociationDto>> {
    let kind = if body.conversation_id.is_some() {
        AssociationType::Enquiry
    } else {
        AssociationType::Activity
    };
    let a = activity::associate(
        &app,
        &caller,
        &id,
        kind,
        body.workitem_id,
        body.conversation_id,
    )
    .await?;
    Ok(Json(association_dto(&a)))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/{caseId}/associations/{associationId}", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID"), ("associationId" = String, Path, description = "Association ID")),
    responses((status = 200, body = AssociationDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_association(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, aid)): PathParams<(String, String)>,
) -> ApiResult<Json<AssociationDto>> {
    let all = activity::associations(&app, &caller, &id).await?;
    let a = all
        .iter()
        .find(|a| a.id == aid)
        .ok_or_else(|| ApiError::not_found("association"))?;
    Ok(Json(association_dto(a)))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = TerminateJob)]
pub struct TerminateJobDto {
    pub id: String,
    pub status: &'static str,
    pub job_type: &'static str,
    pub created_by: Reference,
    pub date_created: String,
    pub date_modified: String,
    pub self_uri: String,
}

fn terminate_dto(case_id: &str, j: &jobs::Job) -> TerminateJobDto {
    TerminateJobDto {
        id: j.id.clone(),
        status: match j.state {
            jobs::State::Queued => "Queued",
            jobs::State::Running => "InProgress",
            jobs::State::Succeeded => "Succeeded",
            jobs::State::Failed | jobs::State::Terminated => "Failed",
        },
        job_type: "Terminate",
        created_by: Reference::new(&j.owner.subject_id, None, USERS),
        date_created: instant(j.date_created),
        date_modified: instant(j.date_modified),
        self_uri: format!("{BASE}/{case_id}/terminate/jobs/{}", j.id),
    }
}

#[utoipa::path(post, path = "/api/v2/casemanagement/cases/{caseId}/terminate/jobs", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID")),
    responses((status = 202, body = TerminateJobDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn post_terminate_job(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<(StatusCode, Json<TerminateJobDto>)> {
    let case = use_cases::get(&app, &caller, &id).await?;
    if case.status.is_final() {
        return Err(ApiError::bad_request(
            "caseId",
            format!("the case is already {}", case.status.as_str()),
        ));
    }
    let job = jobs::submit(
        &app,
        &caller,
        jobs::Kind::TerminateCase,
        jobs::Request::TerminateCase(id.clone()),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(terminate_dto(&id, &job))))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/{caseId}/terminate/jobs/{jobId}", tag = "Case Management",
    params(("caseId" = String, Path, description = "Case ID"), ("jobId" = String, Path, description = "Job ID")),
    responses((status = 200, body = TerminateJobDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_terminate_job(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, job_id)): PathParams<(String, String)>,
) -> ApiResult<Json<TerminateJobDto>> {
    let job = jobs::get(&app, &caller, &job_id, jobs::Kind::TerminateCase).await?;
    if job.request != jobs::Request::TerminateCase(id.clone()) {
        return Err(ApiError::not_found("job"));
    }
    Ok(Json(terminate_dto(&id, &job)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseQueryFilter {
    pub name: String,
    pub operator: String,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseQuerySort {
    pub name: String,
    #[serde(default)]
    pub ascending: Option<bool>,
}

/// `CaseQueryJobCreate`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CaseQueryJobCreate)]
#[allow(dead_code)] // attributes/expands are projection hints; whole cases are returned
pub struct CaseQueryJobCreate {
    #[serde(default)]
    pub page_size: Option<i64>,
    #[serde(default)]
    pub page_number: Option<i64>,
    #[serde(default)]
    pub filters: Vec<CaseQueryFilter>,
    #[serde(default)]
    pub sort: Option<CaseQuerySort>,
    #[serde(default)]
    pub attributes: Option<Vec<String>>,
    #[serde(default)]
    pub expands: Option<Vec<String>>,
}

fn case_query(body: CaseQueryJobCreate) -> ApiResult<(crate::app::query::CaseQuery, i64)> {
    use crate::app::query::{CaseColumn, CaseFilter, CaseSort, FilterValue};
    if body.filters.len() > 20 {
        return Err(ApiError::bad_request("filters", "at most 20 filters"));
    }
    let mut filters = Vec::new();
    for (i, f) in body.filters.into_iter().enumerate() {
        let at = |what: &str| format!("filters[{i}].{what}");
        let column = match f.name.as_str() {
            "caseplanId" => CaseColumn::CaseplanId,
            "ownerId" => CaseColumn::OwnerId,
            "status" => CaseColumn::Status,
            "priority" => CaseColumn::Priority,
            "dateDue" => CaseColumn::DateDue,
            "externalContactId" => CaseColumn::ExternalContactId,
            "customerIntentId" => CaseColumn::CustomerIntentId,
            "dateCreated" => CaseColumn::DateCreated,
            "divisionId" => CaseColumn::DivisionId,
            "reference" => CaseColumn::Reference,
            other => {
                return Err(ApiError::bad_request(
                    at("name"),
                    format!("{other:?} is not a case attribute that can be filtered on"),
                ));
            }
        };
        let op = crate::api::task_query::operator(i, &f.operator)?;
        crate::api::task_query::check_arity(i, op, f.values.len())?;
        let mut values = Vec::with_capacity(f.values.len());
        for v in f.values {
            values.push(match column {
                CaseColumn::DateDue | CaseColumn::DateCreated => {
                    FilterValue::Int(parse_instant(&at("values"), &v)?.timestamp_millis())
                }
                CaseColumn::Priority => {
                    FilterValue::Text(Priority::parse(&at("values"), &v)?.as_str().to_owned())
                }
                CaseColumn::Status => {
                    if !matches!(v.as_str(), "Open" | "InProgress" | "Closed" | "Terminated") {
                        return Err(ApiError::bad_request(
                            at("values"),
                            format!("{v:?} is not a case status"),
                        ));
                    }
                    FilterValue::Text(v)
                }
                _ => FilterValue::Text(v),
            });
        }
        filters.push(CaseFilter { column, op, values });
    }
    let (sort, ascending) = match body.sort {
        None => (CaseSort::DateDue, false),
        Some(s) => {
            let sort = match s.name.as_str() {
                "dateCreated" => CaseSort::DateCreated,
                "dateModified" => CaseSort::DateModified,
                "dateDue" => CaseSort::DateDue,
                "priority" => CaseSort::Priority,
                other => {
                    return Err(ApiError::bad_request(
                        "sort.name",
                        format!(
                            "must be dateCreated, dateModified, dateDue or priority, got {other:?}"
                        ),
                    ));
                }
            };
            (sort, s.ascending.unwrap_or(false))
        }
    };
    let size = body.page_size.unwrap_or(25);
    if !(1..=200).contains(&size) {
        return Err(ApiError::bad_request(
            "pageSize",
            "must be between 1 and 200",
        ));
    }
    let page = body.page_number.unwrap_or(1);
    if !(1..=10_000).contains(&page) {
        return Err(ApiError::bad_request(
            "pageNumber",
            "must be between 1 and 10000",
        ));
    }
    let query = crate::app::query::CaseQuery {
        visible: casefile_domain::authz::Divisions::Only(Vec::new()),
        filters,
        sort,
        ascending,
        offset: (page - 1) * size,
        limit: size,
    };
    Ok((query, page))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CaseQueryJobResponse)]
pub struct CaseQueryJobDto {
    pub id: String,
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_started: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_finished: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JobErrorDto>,
    pub self_uri: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobErrorDto {
    pub code: String,
    pub message: String,
}

fn query_job_dto(j: &jobs::Job) -> CaseQueryJobDto {
    CaseQueryJobDto {
        id: j.id.clone(),
        state: j.state.as_str(),
        date_started: j.date_started.map(instant),
        date_finished: j.date_finished.map(instant),
        error: j.error.as_ref().map(|(code, message)| JobErrorDto {
            code: code.clone(),
            message: message.clone(),
        }),
        self_uri: format!("{BASE}/query/jobs/{}", j.id),
    }
}

#[utoipa::path(post, path = "/api/v2/casemanagement/cases/query/jobs", tag = "Case Management", request_body = CaseQueryJobCreate,
    responses((status = 202, body = CaseQueryJobDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_query_jobs(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CaseQueryJobCreate>,
) -> ApiResult<(StatusCode, Json<CaseQueryJobDto>)> {
    let (query, page_number) = case_query(body)?;
    let job = jobs::submit(
        &app,
        &caller,
        jobs::Kind::QueryCases,
        jobs::Request::QueryCases { query, page_number },
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(query_job_dto(&job))))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/query/jobs/{jobId}", tag = "Case Management",
    params(("jobId" = String, Path, description = "Job ID")),
    responses((status = 200, body = CaseQueryJobDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_query_job(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<CaseQueryJobDto>> {
    Ok(Json(query_job_dto(
        &jobs::get(&app, &caller, &id, jobs::Kind::QueryCases).await?,
    )))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CaseQueryJobResultsResponse)]
pub struct CaseResults {
    pub entities: Vec<CaseDto>,
    pub page_size: i64,
    pub page_number: i64,
    pub total: i64,
    pub page_count: i64,
}

#[utoipa::path(get, path = "/api/v2/casemanagement/cases/query/jobs/{jobId}/results", tag = "Case Management",
    params(("jobId" = String, Path, description = "Job ID")),
    responses((status = 200, body = CaseResults), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_query_job_results(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<CaseResults>> {
    let job = jobs::get(&app, &caller, &id, jobs::Kind::QueryCases).await?;
    if job.state != jobs::State::Succeeded {
        return Err(ApiError::bad_request(
            "jobId",
            format!(
                "the job is {}; results exist once it has Succeeded",
                job.state.as_str()
            ),
        ));
    }
    let jobs::Request::QueryCases { query, page_number } = &job.request else {
        return Err(ApiError::not_found("job"));
    };
    let mut entities = Vec::with_capacity(job.result_ids.len());
    for cid in &job.result_ids {
        if let Ok(c) = use_cases::get(&app, &caller, cid).await {
            entities.push(to_dto(&c));
        }
    }
    Ok(Json(CaseResults {
        entities,
        page_size: query.limit,
        page_number: *page_number,
        total: job.total_count,
        page_count: (job.total_count + query.limit - 1) / query.limit.max(1),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CaseAssociationQuery)]
pub struct AssociationQuery {
    #[serde(default)]
    pub page_size: Option<i64>,
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub workitem_id: Option<String>,
    #[serde(default)]
    pub conversation_id: Option<String>,
}

/// Finds the cases an interaction is associated with — how a follow-up call is matched.
#[utoipa::path(post, path = "/api/v2/casemanagement/cases/associations/query", tag = "Case Management", request_body = AssociationQuery,
    responses((status = 200, body = CursorListing<AssociationDto>), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_associations_query(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<AssociationQuery>,
) -> ApiResult<Json<CursorListing<AssociationDto>>> {
    let found = activity::find_associations(
        &app,
        &caller,
        body.workitem_id.as_deref(),
        body.conversation_id.as_deref(),
    )
    .await?;
    let size = cursor_page_size(body.page_size)?;
    page_slice(
        found.iter().map(association_dto).collect(),
        body.after.as_deref(),
        size,
        &format!("{BASE}/associations/query"),
    )
    .map(Json)
}
