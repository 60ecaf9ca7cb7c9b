//! A case's stages and their steps (read-only: the engine moves them).

use axum::Json;
use axum::extract::State;
use casefile_domain::case::engine::{Case, Stage};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::common::{Reference, instant};
use crate::api::extract::{Caller, PathParams};
use crate::app::App;
use crate::app::case_management::cases::{self as use_cases};
use crate::error::{ApiError, ApiResult, ErrorBody};

use super::cases::BASE;

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_stages))
        .routes(routes!(get_stage))
        .routes(routes!(get_steps))
        .routes(routes!(get_step))
}
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
