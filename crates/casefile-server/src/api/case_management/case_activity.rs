//! A case's comments and its associations with interactions (and finding a case by one).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::common::{CursorListing, Reference, USERS, cursor_page_size, instant, page_slice};
use crate::api::extract::{Caller, JsonBody, PathParams, QueryParams};
use crate::app::App;
use crate::app::case_management::activity::{self, Association, AssociationType, Comment};
use crate::error::{ApiError, ApiResult, ErrorBody};

use super::cases::BASE;

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_comments, post_comments))
        .routes(routes!(get_comment, delete_comment))
        .routes(routes!(delete_my_comment))
        .routes(routes!(get_associations, post_associations))
        .routes(routes!(get_association))
        .routes(routes!(post_associations_query))
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
    params(("caseId" = String, Path, description = "Case ID"), ("after" = Option<String>, Query, description = "cursor"), ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 100, description = "1 to 100"), ("sortOrder" = inline(Option<crate::api::values::SortOrder>), Query, description = "ascending (default) or descending")),
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
    if crate::api::task::query::sort_descending(&q)? {
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CaseAssociationQuery)]
pub struct AssociationQuery {
    #[serde(default)]
    #[schema(minimum = 1, maximum = 200)]
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
