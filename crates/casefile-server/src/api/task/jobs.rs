//! Workitem query jobs and bulk add/terminate jobs.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use casefile_domain::Timestamp;
use casefile_domain::authz::Principal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::query::{self, ConfigQuery, Filter, QuerySort};
use super::workitems::{WorkitemDto, to_dto};
use crate::api::common::{Reference, instant, parse_instant};
use crate::api::extract::{Caller, JsonBody, PathParams, QueryParams};
use crate::app::App;
use crate::app::new_id;
use crate::app::task::documents;
use crate::app::task::jobs::{self, AddEntry, Job, Kind, QuerySpec, Request, StoredDraft};
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(post_query_jobs))
        .routes(routes!(get_query_job))
        .routes(routes!(get_query_job_results))
        .routes(routes!(post_bulk_add_jobs))
        .routes(routes!(
            get_bulk_add_job,
            patch_bulk_add_job,
            delete_bulk_add_job
        ))
        .routes(routes!(get_bulk_add_job_results))
        .routes(routes!(post_bulk_terminate_jobs))
        .routes(routes!(
            get_bulk_terminate_job,
            patch_bulk_terminate_job,
            delete_bulk_terminate_job
        ))
        .routes(routes!(get_bulk_terminate_job_results))
        .routes(routes!(get_bulk_jobs_me))
}

const BASE: &str = "/api/v2/taskmanagement/workitems";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobFilter {
    pub name: String,
    pub operator: String,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobPredicate {
    pub name: String,
    pub operator: String,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub values: Vec<Value>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobCriteria {
    #[serde(default)]
    pub operator: Option<String>,
    pub predicates: Vec<JobPredicate>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobQueryFilter {
    pub name: String,
    #[serde(default)]
    pub operator: Option<String>,
    pub criteria: Vec<JobCriteria>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JobSort {
    pub name: String,
    #[serde(default)]
    pub ascending: Option<bool>,
    /// Sorting by a custom field is refused, so this is never read.
    #[serde(default)]
    #[allow(dead_code)]
    pub custom_field: Option<String>,
}

/// `WorkitemQueryJobCreate`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorkitemQueryJobCreate)]
#[allow(dead_code)] // attributes/expands are projection hints; whole workitems are returned
pub struct QueryJobCreate {
    #[serde(default)]
    #[schema(minimum = 1, maximum = 200)]
    pub page_size: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10000)]
    pub page_number: Option<i64>,
    #[serde(default)]
    pub filters: Vec<JobFilter>,
    #[serde(default)]
    pub query_filters: Vec<JobQueryFilter>,
    #[serde(default)]
    pub expands: Option<Vec<String>>,
    #[serde(default)]
    pub attributes: Option<Vec<String>>,
    #[serde(default)]
    pub sort: Option<JobSort>,
    #[serde(default)]
    pub date_interval_start: Option<String>,
    #[serde(default)]
    pub date_interval_end: Option<String>,
}

fn value_text(v: &Value) -> (String, bool) {
    match v {
        Value::String(s) => (s.clone(), false),
        Value::Number(n) => (n.to_string(), true),
        Value::Bool(b) => (b.to_string(), false),
        other => (other.to_string(), false),
    }
}

/// Turns a query-job body into the same query the synchronous endpoint runs.
fn to_query(body: QueryJobCreate) -> ApiResult<(ConfigQuery, i64)> {
    let mut filters: Vec<Filter> = body
        .filters
        .into_iter()
        .map(|f| Filter {
            kind: (f.name == "priority").then(|| "Int".to_owned()),
            name: f.name,
            operator: f.operator,
            values: f.values,
        })
        .collect();
    for (i, qf) in body.query_filters.into_iter().enumerate() {
        if qf.name != "customFields" {
            return Err(ApiError::bad_request(
                format!("queryFilters[{i}].name"),
                "must be customFields",
            ));
        }
        if qf.operator.as_deref().is_some_and(|o| o != "AND")
            || qf.criteria.len() > 1 && qf.operator.is_none()
        {
            return Err(ApiError::bad_request(
                format!("queryFilters[{i}].operator"),
                "casefile supports AND between criteria; OR is not supported yet",
            ));
        }
        for (j, c) in qf.criteria.into_iter().enumerate() {
            if c.operator.as_deref().is_some_and(|o| o != "AND") {
                return Err(ApiError::bad_request(
                    format!("queryFilters[{i}].criteria[{j}].operator"),
                    "casefile supports AND between predicates; OR is not supported yet",
                ));
            }
            if !(1..=5).contains(&c.predicates.len()) {
                return Err(ApiError::bad_request(
                    format!("queryFilters[{i}].criteria[{j}].predicates"),
                    "must hold 1 to 5 predicates",
                ));
            }
            for p in c.predicates {
                if p.operator == "EXISTS" {
                    return Err(ApiError::bad_request(
                        format!("queryFilters[{i}].criteria[{j}].predicates"),
                        "EXISTS is not supported yet",
                    ));
                }
                let texts: Vec<(String, bool)> = p.values.iter().map(value_text).collect();
                let numeric = !texts.is_empty() && texts.iter().all(|(_, n)| *n);
                filters.push(Filter {
                    name: format!("customFields.{}", p.name),
                    kind: Some(if numeric { "Int" } else { "String" }.to_owned()),
                    operator: p.operator,
                    values: texts.into_iter().map(|(t, _)| t).collect(),
                });
            }
        }
    }
    if let Some(start) = &body.date_interval_start {
        parse_instant("dateIntervalStart", start)?;
        filters.push(Filter {
            name: "dateCreated".into(),
            kind: None,
            operator: "GTE".into(),
            values: vec![start.clone()],
        });
    }
    if let Some(end) = &body.date_interval_end {
        parse_instant("dateIntervalEnd", end)?;
        filters.push(Filter {
            name: "dateCreated".into(),
            kind: None,
            operator: "LT".into(),
            values: vec![end.clone()],
        });
    }
    let sort = match body.sort {
        None => None,
        Some(s) if s.name == "customFields" => {
            return Err(ApiError::bad_request(
                "sort.name",
                "sorting by a custom field is not supported yet",
            ));
        }
        Some(s) => Some(QuerySort {
            name: s.name,
            ascending: s.ascending,
        }),
    };
    let page_number = body.page_number.unwrap_or(1);
    if !(1..=10_000).contains(&page_number) {
        return Err(ApiError::bad_request(
            "pageNumber",
            "must be between 1 and 10000",
        ));
    }
    Ok((
        ConfigQuery {
            page_size: body.page_size,
            select: None,
            filters,
            attributes: None,
            after: None,
            sort,
            expands: None,
        },
        page_number,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobError {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = WorkitemQueryJobResponse)]
pub struct QueryJobDto {
    pub id: String,
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_started: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_finished: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    pub self_uri: String,
}

fn query_job_dto(j: &Job) -> QueryJobDto {
    QueryJobDto {
        id: j.id.clone(),
        state: j.state.as_str(),
        date_started: j.date_started.map(instant),
        date_finished: j.date_finished.map(instant),
        error: j.error.as_ref().map(|(code, message)| JobError {
            code: code.clone(),
            message: message.clone(),
        }),
        self_uri: format!("{BASE}/query/jobs/{}", j.id),
    }
}

#[utoipa::path(post, path = "/api/v2/taskmanagement/workitems/query/jobs", tag = "Task Management", request_body = QueryJobCreate,
    responses((status = 202, body = QueryJobDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_query_jobs(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<QueryJobCreate>,
) -> ApiResult<(StatusCode, Json<QueryJobDto>)> {
    let (config, page_number) = to_query(body)?;
    let (query, _) = query::workitem_query(&config)?;
    let job = jobs::submit(
        &app,
        &caller,
        Kind::QueryWorkitems,
        Request::Query {
            query: QuerySpec { query },
            page_number,
        },
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(query_job_dto(&job))))
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/query/jobs/{jobId}", tag = "Task Management",
    params(("jobId" = String, Path, description = "Job ID")),
    responses((status = 200, body = QueryJobDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_query_job(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<QueryJobDto>> {
    Ok(Json(query_job_dto(
        &jobs::get(&app, &caller, &id, Kind::QueryWorkitems).await?,
    )))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = WorkitemPagedEntityListing)]
pub struct PagedWorkitems {
    pub entities: Vec<WorkitemDto>,
    pub page_size: i64,
    pub page_number: i64,
    pub total: i64,
    pub page_count: i64,
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/query/jobs/{jobId}/results", tag = "Task Management",
    params(("jobId" = String, Path, description = "Job ID")),
    responses((status = 200, body = PagedWorkitems), (status = 400, body = ErrorBody, description = "the job has not succeeded"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_query_job_results(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<PagedWorkitems>> {
    let job = jobs::get(&app, &caller, &id, Kind::QueryWorkitems).await?;
    if job.state != jobs::State::Succeeded {
        return Err(ApiError::bad_request(
            "jobId",
            format!(
                "the job is {}; results exist once it has Succeeded",
                job.state.as_str()
            ),
        ));
    }
    let Request::Query { query, page_number } = &job.request else {
        return Err(ApiError::not_found("job"));
    };
    let entities: Vec<_> = jobs::result_workitems(&app, &job)
        .await?
        .iter()
        .map(to_dto)
        .collect();
    let size = query.query.limit;
    Ok(Json(PagedWorkitems {
        entities,
        page_size: size,
        page_number: *page_number,
        total: job.total_count,
        page_count: (job.total_count + size - 1) / size.max(1),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = BulkJob)]
pub struct BulkJobDto {
    pub id: String,
    pub state: &'static str,
    pub action: &'static str,
    pub total_count: i64,
    pub successful_count: i64,
    pub failed_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_started: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_finished: Option<String>,
    pub date_modified: String,
    pub self_uri: String,
}

fn bulk_dto(j: &Job) -> BulkJobDto {
    let (action, path) = match j.kind {
        Kind::AddWorkitems => ("AddWorkitems", "add"),
        _ => ("TerminateWorkitems", "terminate"),
    };
    BulkJobDto {
        id: j.id.clone(),
        state: j.state.as_str(),
        action,
        total_count: j.total_count,
        successful_count: j.successful_count,
        failed_count: j.failed_count,
        date_started: j.date_started.map(instant),
        date_finished: j.date_finished.map(instant),
        date_modified: instant(j.date_modified),
        self_uri: format!("{BASE}/bulk/{path}/jobs/{}", j.id),
    }
}

/// `WorkitemCommonCreate`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorkitemCommonCreate)]
pub struct CommonCreate {
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
    pub queue_id: Option<String>,
    #[serde(default)]
    pub assignee_id: Option<String>,
    #[serde(default)]
    pub language_id: Option<String>,
    #[serde(default)]
    pub external_contact_id: Option<String>,
    #[serde(default)]
    pub external_tag: Option<String>,
    #[serde(default)]
    pub skill_ids: Option<Vec<String>>,
    #[serde(default)]
    pub script_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = BulkJobAddRequest)]
pub struct BulkAddRequest {
    #[schema(min_items = 1, max_items = 50)]
    pub entities: Vec<CommonCreate>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkEntity {
    pub id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = BulkJobTerminateRequest)]
pub struct BulkTerminateRequest {
    #[schema(min_items = 1, max_items = 50)]
    pub entities: Vec<BulkEntity>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = BulkJobUpdate)]
pub struct BulkJobUpdate {
    pub state: String,
}

fn check_size(n: usize) -> ApiResult<()> {
    if n == 0 || n > jobs::BULK_MAX {
        return Err(ApiError::bad_request(
            "entities",
            format!("must hold 1 to {} entities", jobs::BULK_MAX),
        ));
    }
    Ok(())
}

fn add_entry(i: usize, c: CommonCreate, now: Timestamp) -> ApiResult<AddEntry> {
    let at = |f: &str| format!("entities[{i}].{f}");
    Ok(AddEntry {
        id: new_id(now),
        type_id: c.type_id,
        draft: StoredDraft {
            name: c.name,
            description: c.description,
            workbin_id: c.workbin_id,
            status_id: c.status_id,
            priority: c.priority,
            date_due: c
                .date_due
                .as_deref()
                .map(|d| parse_instant(&at("dateDue"), d))
                .transpose()?,
            date_expires: c
                .date_expires
                .as_deref()
                .map(|d| parse_instant(&at("dateExpires"), d))
                .transpose()?,
            duration_seconds: c.duration_seconds,
            ttl: c.ttl,
            assignee_id: c.assignee_id,
            queue_id: c.queue_id,
            language_id: c.language_id,
            external_contact_id: c.external_contact_id,
            external_tag: c.external_tag,
            skill_ids: c.skill_ids,
            script_id: c.script_id,
            auto_status_transition: c.auto_status_transition,
            custom_fields: c.custom_fields.unwrap_or_default(),
        },
    })
}

#[utoipa::path(post, path = "/api/v2/taskmanagement/workitems/bulk/add/jobs", tag = "Task Management", request_body = BulkAddRequest,
    responses((status = 200, body = BulkJobDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_bulk_add_jobs(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<BulkAddRequest>,
) -> ApiResult<Json<BulkJobDto>> {
    check_size(body.entities.len())?;
    let now = app.clock.now();
    let entries = body
        .entities
        .into_iter()
        .enumerate()
        .map(|(i, c)| add_entry(i, c, now))
        .collect::<ApiResult<Vec<_>>>()?;
    let job = jobs::submit(&app, &caller, Kind::AddWorkitems, Request::Add(entries)).await?;
    Ok(Json(bulk_dto(&job)))
}

/// Terminate workitems in bulk, in the background.
///
/// Each workitem ends as `POST …/workitems/{workitemId}/terminate` without a status would: a
/// case's open stage workitem terminates its stage and case with it.
#[utoipa::path(post, path = "/api/v2/taskmanagement/workitems/bulk/terminate/jobs", tag = "Task Management", request_body = BulkTerminateRequest,
    responses((status = 200, body = BulkJobDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_bulk_terminate_jobs(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<BulkTerminateRequest>,
) -> ApiResult<Json<BulkJobDto>> {
    check_size(body.entities.len())?;
    let ids = body.entities.into_iter().map(|e| e.id).collect();
    let job = jobs::submit(
        &app,
        &caller,
        Kind::TerminateWorkitems,
        Request::Terminate(ids),
    )
    .await?;
    Ok(Json(bulk_dto(&job)))
}

async fn patch_bulk(
    app: &App,
    caller: &Principal,
    id: &str,
    kind: Kind,
    body: BulkJobUpdate,
) -> ApiResult<Json<BulkJobDto>> {
    match body.state.as_str() {
        "Terminated" => Ok(Json(bulk_dto(
            &jobs::terminate(app, caller, id, kind).await?,
        ))),
        "Queued" => {
            let job = jobs::get(app, caller, id, kind).await?;
            if job.state == jobs::State::Queued || job.state == jobs::State::Running {
                Ok(Json(bulk_dto(&job)))
            } else {
                Err(ApiError::bad_request(
                    "state",
                    format!("the job is already {}", job.state.as_str()),
                ))
            }
        }
        other => Err(ApiError::bad_request(
            "state",
            format!("must be Queued or Terminated, got {other:?}"),
        )),
    }
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/bulk/add/jobs/{bulkJobId}", tag = "Task Management",
    params(("bulkJobId" = String, Path, description = "Bulk job ID")),
    responses((status = 200, body = BulkJobDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_bulk_add_job(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<BulkJobDto>> {
    Ok(Json(bulk_dto(
        &jobs::get(&app, &caller, &id, Kind::AddWorkitems).await?,
    )))
}

#[utoipa::path(patch, path = "/api/v2/taskmanagement/workitems/bulk/add/jobs/{bulkJobId}", tag = "Task Management",
    params(("bulkJobId" = String, Path, description = "Bulk job ID")), request_body = BulkJobUpdate,
    responses((status = 200, body = BulkJobDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_bulk_add_job(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<BulkJobUpdate>,
) -> ApiResult<Json<BulkJobDto>> {
    patch_bulk(&app, &caller, &id, Kind::AddWorkitems, body).await
}

#[utoipa::path(delete, path = "/api/v2/taskmanagement/workitems/bulk/add/jobs/{bulkJobId}", tag = "Task Management",
    params(("bulkJobId" = String, Path, description = "Bulk job ID")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_bulk_add_job(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    jobs::delete(&app, &caller, &id, Kind::AddWorkitems).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/bulk/terminate/jobs/{bulkJobId}", tag = "Task Management",
    params(("bulkJobId" = String, Path, description = "Bulk job ID")),
    responses((status = 200, body = BulkJobDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_bulk_terminate_job(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<BulkJobDto>> {
    Ok(Json(bulk_dto(
        &jobs::get(&app, &caller, &id, Kind::TerminateWorkitems).await?,
    )))
}

#[utoipa::path(patch, path = "/api/v2/taskmanagement/workitems/bulk/terminate/jobs/{bulkJobId}", tag = "Task Management",
    params(("bulkJobId" = String, Path, description = "Bulk job ID")), request_body = BulkJobUpdate,
    responses((status = 200, body = BulkJobDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_bulk_terminate_job(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<BulkJobUpdate>,
) -> ApiResult<Json<BulkJobDto>> {
    patch_bulk(&app, &caller, &id, Kind::TerminateWorkitems, body).await
}

#[utoipa::path(delete, path = "/api/v2/taskmanagement/workitems/bulk/terminate/jobs/{bulkJobId}", tag = "Task Management",
    params(("bulkJobId" = String, Path, description = "Bulk job ID")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_bulk_terminate_job(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    jobs::delete(&app, &caller, &id, Kind::TerminateWorkitems).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkResultEntity {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workbin: Option<Reference>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub worktype: Option<Reference>,
    pub self_uri: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BulkResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<BulkResultEntity>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = BulkJobAddResponse)]
pub struct BulkResults {
    pub results: Vec<BulkResult>,
    pub error_count: i64,
    pub error_indexes: Vec<i64>,
}

async fn bulk_results(
    app: &App,
    caller: &Principal,
    id: &str,
    kind: Kind,
) -> ApiResult<Json<BulkResults>> {
    let job = jobs::get(app, caller, id, kind).await?;
    let add = kind == Kind::AddWorkitems;
    let mut results = Vec::with_capacity(job.results.len());
    let mut error_indexes = Vec::new();
    for (i, r) in job.results.iter().enumerate() {
        if r.error.is_some() {
            error_indexes.push(i as i64);
        }
        results.push(BulkResult {
            error: r.error.as_ref().map(|(code, message)| JobError {
                code: code.clone(),
                message: message.clone(),
            }),
            entity: r.id.as_ref().map(|wid| BulkResultEntity {
                id: wid.clone(),
                name: if add { r.name.clone() } else { None },
                workbin: if add {
                    r.workbin_id
                        .as_deref()
                        .map(|w| Reference::new(w, None, "/api/v2/taskmanagement/workbins"))
                } else {
                    None
                },
                worktype: if add {
                    r.type_id
                        .as_deref()
                        .map(|t| Reference::new(t, None, "/api/v2/taskmanagement/worktypes"))
                } else {
                    None
                },
                self_uri: format!("{BASE}/{wid}"),
            }),
        });
    }
    Ok(Json(BulkResults {
        error_count: error_indexes.len() as i64,
        error_indexes,
        results,
    }))
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/bulk/add/jobs/{bulkJobId}/results", tag = "Task Management",
    params(("bulkJobId" = String, Path, description = "Bulk job ID")),
    responses((status = 200, body = BulkResults), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_bulk_add_job_results(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<BulkResults>> {
    bulk_results(&app, &caller, &id, Kind::AddWorkitems).await
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/bulk/terminate/jobs/{bulkJobId}/results", tag = "Task Management",
    params(("bulkJobId" = String, Path, description = "Bulk job ID")),
    responses((status = 200, body = BulkResults), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_bulk_terminate_job_results(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<BulkResults>> {
    bulk_results(&app, &caller, &id, Kind::TerminateWorkitems).await
}

#[utoipa::path(get, path = "/api/v2/taskmanagement/workitems/bulk/jobs/users/me", tag = "Task Management",
    params(("action" = inline(Option<crate::api::values::BulkJobAction>), Query, description = "AddWorkitems or TerminateWorkitems"), ("after" = Option<String>, Query, description = "cursor"), ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1 to 200"), ("sortOrder" = inline(Option<crate::api::values::SortOrder>), Query, description = "ascending (default) or descending")),
    responses((status = 200, body = crate::api::common::CursorListing<BulkJobDto>)), security(("bearer" = [])))]
async fn get_bulk_jobs_me(
    State(app): State<App>,
    Caller(caller): Caller,
    q: QueryParams,
) -> ApiResult<Json<crate::api::common::CursorListing<BulkJobDto>>> {
    let action = match q.str("action") {
        None => None,
        Some("AddWorkitems") => Some(Kind::AddWorkitems),
        Some("TerminateWorkitems") => Some(Kind::TerminateWorkitems),
        Some(other) => {
            return Err(ApiError::bad_request(
                "action",
                format!("must be AddWorkitems or TerminateWorkitems, got {other:?}"),
            ));
        }
    };
    let mut mine: Vec<Job> = documents::list(&app, &caller, None).await?;
    mine.retain(|j| {
        j.owner.subject_id == caller.subject_id
            && j.kind != Kind::QueryWorkitems
            && action.is_none_or(|a| a == j.kind)
    });
    mine.sort_by_key(|j| j.date_created);
    query::versions_page(
        mine.iter().map(bulk_dto).collect(),
        &q,
        &format!("{BASE}/bulk/jobs/users/me"),
    )
    .map(Json)
}
