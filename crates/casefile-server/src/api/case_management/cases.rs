//! `/api/v2/casemanagement/cases`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use casefile_domain::case::engine::{Case, Priority};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::common::{
    CursorListing, DIVISIONS, Reference, USERS, instant, page_slice, parse_instant,
};
use crate::api::etag;
use crate::api::extract::{Caller, JsonBody, PathParams, QueryParams};
use crate::app::App;
use crate::app::case_management::cases::{self as use_cases, Input};
use crate::error::{ApiResult, ErrorBody};

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
}

pub(super) const BASE: &str = "/api/v2/casemanagement/cases";

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
    #[schema(value_type = Option<crate::api::values::CasePriority>)]
    pub priority: Option<String>,
    #[serde(default)]
    #[schema(format = DateTime)]
    pub date_due: Option<String>,
}

#[utoipa::path(post, path = "/api/v2/casemanagement/cases", tag = "Case Management", request_body = CaseCreate,
    responses((status = 200, body = CaseDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_cases(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CaseCreate>,
) -> ApiResult<(HeaderMap, Json<CaseDto>)> {
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
    params(("externalContactId" = String, Path, description = "External contact ID"), ("after" = Option<String>, Query, description = "cursor"), ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1 to 200")),
    responses((status = 200, body = CursorListing<CaseDto>)), security(("bearer" = [])))]
async fn get_cases_by_contact(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(contact): PathParams<String>,
    q: QueryParams,
) -> ApiResult<Json<CursorListing<CaseDto>>> {
    let cases = use_cases::by_contact(&app, &caller, &contact).await?;
    let size = q.cursor_page_size()?;
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
            let c = use_cases::edit(&app, &caller, &id, $kind, |c| apply(c, value.clone())).await?;
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
