//! A caseplan version's stageplans and their stepplans: read any version's, edit the draft's.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use casefile_domain::case::caseplan;
use casefile_domain::case::caseplan::{ActivityType, Stageplan};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::common::{Reference, instant};
use crate::api::extract::{Caller, JsonBody, PathParams};
use crate::api::nullable;
use crate::app::App;
use crate::app::case_management::caseplans::{self as use_cases};
use crate::error::{ApiError, ApiResult, ErrorBody};

use super::caseplans::{BASE, Entities, load_version};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_caseplan_version_stageplans))
        .routes(routes!(get_caseplan_version_stageplan))
        .routes(routes!(get_caseplan_version_stepplans))
        .routes(routes!(get_caseplan_version_stepplan))
        .routes(routes!(post_caseplan_stageplans))
        .routes(routes!(patch_caseplan_stageplan, delete_caseplan_stageplan))
        .routes(routes!(post_caseplan_stageplan_reposition))
        .routes(routes!(patch_caseplan_stepplan))
}
/// `CaseplanReference`: a caseplan and one of its versions.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseplanVersionRef {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub self_uri: String,
}

fn caseplan_ref(plan: &caseplan::Version) -> CaseplanVersionRef {
    CaseplanVersionRef {
        id: plan.caseplan_id.clone(),
        name: plan.name.clone(),
        version: plan.version,
        self_uri: format!("{BASE}/{}/versions/{}", plan.caseplan_id, plan.version),
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Stageplan)]
pub struct StageplanDto {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub caseplan: CaseplanVersionRef,
    pub date_created: String,
    pub date_modified: String,
    pub self_uri: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkitemSettingsDto {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worktype: Option<Reference>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Stepplan)]
pub struct StepplanDto {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub caseplan: CaseplanVersionRef,
    pub stageplan: Reference,
    pub date_created: String,
    pub date_modified: String,
    pub activity_type: &'static str,
    pub workitem_settings: WorkitemSettingsDto,
    pub self_uri: String,
}

fn stageplan_dto(plan: &caseplan::Version, s: &Stageplan) -> StageplanDto {
    StageplanDto {
        id: s.id.clone(),
        name: s.name.clone(),
        description: s.description.clone(),
        caseplan: caseplan_ref(plan),
        date_created: instant(s.date_created),
        date_modified: instant(s.date_modified),
        self_uri: format!(
            "{BASE}/{}/versions/{}/stageplans/{}",
            plan.caseplan_id, plan.version, s.id
        ),
    }
}

fn stepplan_dto(plan: &caseplan::Version, s: &Stageplan) -> StepplanDto {
    let st = &s.stepplan;
    StepplanDto {
        id: st.id.clone(),
        name: st.name.clone(),
        description: st.description.clone(),
        caseplan: caseplan_ref(plan),
        stageplan: Reference::new(
            &s.id,
            Some(s.name.clone()),
            &format!(
                "{BASE}/{}/versions/{}/stageplans",
                plan.caseplan_id, plan.version
            ),
        ),
        date_created: instant(st.date_created),
        date_modified: instant(st.date_modified),
        activity_type: match st.activity_type {
            ActivityType::Workitem => "Workitem",
            ActivityType::None => "None",
        },
        workitem_settings: WorkitemSettingsDto {
            worktype: st
                .worktype_id
                .as_deref()
                .map(|w| Reference::new(w, None, "/api/v2/taskmanagement/worktypes")),
        },
        self_uri: format!(
            "{BASE}/{}/versions/{}/stageplans/{}/stepplans/{}",
            plan.caseplan_id, plan.version, s.id, st.id
        ),
    }
}

fn find<'a>(plan: &'a caseplan::Version, stageplan_id: &str) -> ApiResult<&'a Stageplan> {
    plan.stageplans
        .iter()
        .find(|s| s.id == stageplan_id)
        .ok_or_else(|| ApiError::not_found("stageplan"))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/stageplans", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("versionId" = String, Path, description = "Version")),
    responses((status = 200, body = Entities<StageplanDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_caseplan_version_stageplans(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, v)): PathParams<(String, String)>,
) -> ApiResult<Json<Entities<StageplanDto>>> {
    let (_, plan) = load_version(&app, &caller, &id, &v).await?;
    Ok(Json(Entities {
        entities: plan
            .stageplans
            .iter()
            .map(|s| stageplan_dto(&plan, s))
            .collect(),
        self_uri: format!("{BASE}/{id}/versions/{v}/stageplans"),
    }))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/stageplans/{stageplanId}", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("versionId" = String, Path, description = "Version"), ("stageplanId" = String, Path, description = "Stageplan ID")),
    responses((status = 200, body = StageplanDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_caseplan_version_stageplan(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, v, sp)): PathParams<(String, String, String)>,
) -> ApiResult<Json<StageplanDto>> {
    let (_, plan) = load_version(&app, &caller, &id, &v).await?;
    Ok(Json(stageplan_dto(&plan, find(&plan, &sp)?)))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/stageplans/{stageplanId}/stepplans", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("versionId" = String, Path, description = "Version"), ("stageplanId" = String, Path, description = "Stageplan ID")),
    responses((status = 200, body = Entities<StepplanDto>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_caseplan_version_stepplans(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, v, sp)): PathParams<(String, String, String)>,
) -> ApiResult<Json<Entities<StepplanDto>>> {
    let (_, plan) = load_version(&app, &caller, &id, &v).await?;
    let s = find(&plan, &sp)?;
    Ok(Json(Entities {
        entities: vec![stepplan_dto(&plan, s)],
        self_uri: format!("{BASE}/{id}/versions/{v}/stageplans/{sp}/stepplans"),
    }))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/stageplans/{stageplanId}/stepplans/{stepplanId}", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("versionId" = String, Path, description = "Version"), ("stageplanId" = String, Path, description = "Stageplan ID"), ("stepplanId" = String, Path, description = "Stepplan ID")),
    responses((status = 200, body = StepplanDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_caseplan_version_stepplan(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, v, sp, st)): PathParams<(String, String, String, String)>,
) -> ApiResult<Json<StepplanDto>> {
    let (_, plan) = load_version(&app, &caller, &id, &v).await?;
    let s = find(&plan, &sp)?;
    if s.stepplan.id != st {
        return Err(ApiError::not_found("stepplan"));
    }
    Ok(Json(stepplan_dto(&plan, s)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = StageplanCreate)]
pub struct StageplanInput {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub after: Option<String>,
}

#[utoipa::path(post, path = "/api/v2/casemanagement/caseplans/{caseplanId}/stageplans", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID")), request_body = StageplanInput,
    responses((status = 200, body = StageplanDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn post_caseplan_stageplans(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<StageplanInput>,
) -> ApiResult<Json<StageplanDto>> {
    let name = body
        .name
        .ok_or_else(|| ApiError::bad_request("name", "is required"))?;
    let stageplan = use_cases::new_stageplan(&name, body.description.flatten(), app.clock.now())?;
    let new_id = stageplan.id.clone();
    let after = body.after;
    let (_, plan) = use_cases::edit_draft(&app, &caller, &id, |plan| {
        Ok(plan.add_stageplan(stageplan, after.as_deref())?)
    })
    .await?;
    Ok(Json(stageplan_dto(&plan, find(&plan, &new_id)?)))
}

#[utoipa::path(patch, path = "/api/v2/casemanagement/caseplans/{caseplanId}/stageplans/{stageplanId}", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("stageplanId" = String, Path, description = "Stageplan ID")), request_body = StageplanInput,
    responses((status = 200, body = StageplanDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_caseplan_stageplan(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, sp)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<StageplanInput>,
) -> ApiResult<Json<StageplanDto>> {
    if body.after.is_some() {
        return Err(ApiError::bad_request(
            "after",
            "use POST …/reposition to move a stageplan",
        ));
    }
    let now = app.clock.now();
    let (_, plan) = use_cases::edit_draft(&app, &caller, &id, |plan| {
        let s = plan.stageplan_mut(&sp)?;
        if let Some(name) = body.name {
            s.name = casefile_domain::case::caseplan::name("name", &name)?;
        }
        if let Some(description) = body.description {
            s.description = casefile_domain::case::caseplan::description(
                "description",
                description.as_deref(),
            )?;
        }
        s.date_modified = now;
        Ok(())
    })
    .await?;
    Ok(Json(stageplan_dto(&plan, find(&plan, &sp)?)))
}

#[utoipa::path(delete, path = "/api/v2/casemanagement/caseplans/{caseplanId}/stageplans/{stageplanId}", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("stageplanId" = String, Path, description = "Stageplan ID")),
    responses((status = 204, description = "deleted"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_caseplan_stageplan(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, sp)): PathParams<(String, String)>,
) -> ApiResult<StatusCode> {
    use_cases::edit_draft(&app, &caller, &id, |plan| {
        plan.remove_stageplan(&sp).map(|_| ()).map_err(Into::into)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = StageplanReposition)]
pub struct Reposition {
    #[serde(default)]
    pub after: Option<String>,
}

#[utoipa::path(post, path = "/api/v2/casemanagement/caseplans/{caseplanId}/stageplans/{stageplanId}/reposition", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("stageplanId" = String, Path, description = "Stageplan ID")), request_body = Reposition,
    responses((status = 204, description = "moved"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn post_caseplan_stageplan_reposition(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, sp)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<Reposition>,
) -> ApiResult<StatusCode> {
    use_cases::edit_draft(&app, &caller, &id, |plan| {
        Ok(plan.reposition(&sp, body.after.as_deref())?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkitemSettingsInput {
    pub worktype_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = StepplanUpdate)]
pub struct StepplanInput {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub workitem_settings: Option<WorkitemSettingsInput>,
    #[serde(default)]
    #[schema(value_type = Option<crate::api::values::StepActivityType>)]
    pub activity_type: Option<String>,
}

#[utoipa::path(patch, path = "/api/v2/casemanagement/caseplans/{caseplanId}/stageplans/{stageplanId}/stepplans/{stepplanId}", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("stageplanId" = String, Path, description = "Stageplan ID"), ("stepplanId" = String, Path, description = "Stepplan ID")), request_body = StepplanInput,
    responses((status = 200, body = StepplanDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_caseplan_stepplan(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, sp, st)): PathParams<(String, String, String)>,
    JsonBody(body): JsonBody<StepplanInput>,
) -> ApiResult<Json<StepplanDto>> {
    let activity = match body.activity_type.as_deref() {
        None => None,
        Some("Workitem") => Some(ActivityType::Workitem),
        Some("None") => Some(ActivityType::None),
        Some(other) => {
            return Err(ApiError::bad_request(
                "activityType",
                format!("must be Workitem or None, got {other:?}"),
            ));
        }
    };
    let (_, draft) = use_cases::latest(&app, &caller, &id).await?;
    if let Some(ws) = &body.workitem_settings {
        use_cases::check_worktype(&app, &caller, &draft, &ws.worktype_id).await?;
    }
    let now = app.clock.now();
    let (_, plan) = use_cases::edit_draft(&app, &caller, &id, |plan| {
        let s = plan.stageplan_mut(&sp)?;
        if s.stepplan.id != st {
            return Err(crate::app::error::Error::not_found("stepplan"));
        }
        if let Some(name) = body.name {
            s.stepplan.name = casefile_domain::case::caseplan::name("name", &name)?;
        }
        if let Some(description) = body.description {
            s.stepplan.description = casefile_domain::case::caseplan::description(
                "description",
                description.as_deref(),
            )?;
        }
        if let Some(ws) = body.workitem_settings {
            s.stepplan.worktype_id = Some(ws.worktype_id);
            s.stepplan.activity_type = ActivityType::Workitem;
        }
        if let Some(a) = activity {
            s.stepplan.activity_type = a;
            if a == ActivityType::None {
                s.stepplan.worktype_id = None;
            }
        }
        s.stepplan.date_modified = now;
        Ok(())
    })
    .await?;
    Ok(Json(stepplan_dto(&plan, find(&plan, &sp)?)))
}
