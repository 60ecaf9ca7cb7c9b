//! Case jobs: terminating a case, and querying cases, in the background.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use casefile_domain::case::engine::Priority;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::common::{Reference, USERS, instant, parse_instant};
use crate::api::extract::{Caller, JsonBody, PathParams};
use crate::app::App;
use crate::app::case_management::cases::{self as use_cases};
use crate::app::task::jobs;
use crate::error::{ApiError, ApiResult, ErrorBody};

use super::cases::{BASE, CaseDto, to_dto};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(post_query_jobs))
        .routes(routes!(get_query_job))
        .routes(routes!(get_query_job_results))
        .routes(routes!(post_terminate_job))
        .routes(routes!(get_terminate_job))
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
    #[schema(minimum = 1, maximum = 200)]
    pub page_size: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10000)]
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
