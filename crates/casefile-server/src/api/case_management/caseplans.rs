//! `/api/v2/casemanagement/caseplans`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use casefile_domain::authz::Principal;
use casefile_domain::case::caseplan;
use casefile_domain::case::caseplan::IntakeSetting;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::common::{CursorListing, DIVISIONS, Reference, USERS, instant};
use crate::api::extract::{Caller, JsonBody, PathParams};
use crate::api::nullable;
use crate::app::App;
use crate::app::case_management::caseplans::{self as use_cases, Header};
use crate::app::task::documents;
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_caseplans, post_caseplans))
        .routes(routes!(post_caseplans_query))
        .routes(routes!(get_caseplan, patch_caseplan, delete_caseplan))
        .routes(routes!(post_caseplan_publish))
        .routes(routes!(post_caseplan_versions))
        .routes(routes!(get_caseplan_version))
        .routes(routes!(get_caseplan_version_dataschemas))
        .routes(routes!(get_caseplan_version_intakesettings))
        .routes(routes!(post_caseplan_dataschemas))
        .routes(routes!(put_caseplan_dataschema, delete_caseplan_dataschema))
        .routes(routes!(put_caseplan_intakesettings))
}

pub(super) const BASE: &str = "/api/v2/casemanagement/caseplans";

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = IntakeSetting)]
pub struct IntakeSettingDto {
    pub property: String,
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub display_order: Option<i64>,
}

fn intake_dto(s: &IntakeSetting) -> IntakeSettingDto {
    IntakeSettingDto {
        property: s.property.clone(),
        required: Some(s.required),
        display_order: Some(s.display_order),
    }
}

fn intake_settings(list: Vec<IntakeSettingDto>) -> Vec<IntakeSetting> {
    list.into_iter()
        .enumerate()
        .map(|(i, s)| IntakeSetting {
            property: s.property,
            required: s.required.unwrap_or(false),
            display_order: s.display_order.unwrap_or(i as i64),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CaseplanDataSchema)]
pub struct DataSchemaRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_uri: Option<String>,
}

fn schema_ref(id: &str) -> DataSchemaRef {
    DataSchemaRef {
        id: id.to_owned(),
        self_uri: Some(format!("/api/v2/taskmanagement/workitems/schemas/{id}")),
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Caseplan)]
pub struct CaseplanDto {
    pub id: String,
    pub name: String,
    pub division: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub reference_prefix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_due_duration_in_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_ttl_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_case_owner: Option<Reference>,
    pub latest: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<i64>,
    /// casefile: the version this representation shows.
    pub version: i64,
    pub date_created: String,
    pub date_modified: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_intent: Option<Reference>,
    pub version_state: &'static str,
    pub data_schemas: Vec<DataSchemaRef>,
    pub intake_settings: Vec<IntakeSettingDto>,
    pub self_uri: String,
}

fn to_dto(h: &Header, v: &caseplan::Version) -> CaseplanDto {
    let division = match &v.division_id {
        Some(d) => Reference::new(d, None, DIVISIONS),
        None => Reference {
            id: "*".into(),
            name: Some("All divisions".into()),
            self_uri: DIVISIONS.into(),
        },
    };
    CaseplanDto {
        id: h.id.clone(),
        name: v.name.clone(),
        division,
        description: v.description.clone(),
        reference_prefix: v.reference_prefix.clone(),
        default_due_duration_in_seconds: v.default_due_duration_seconds,
        default_ttl_seconds: v.default_ttl_seconds,
        default_case_owner: v
            .default_owner_id
            .as_deref()
            .map(|u| Reference::new(u, None, USERS)),
        latest: h.latest,
        published: h.published,
        version: v.version,
        date_created: instant(v.date_created),
        date_modified: instant(v.date_modified),
        date_published: v.date_published.map(instant),
        modified_by: v
            .modified_by
            .as_deref()
            .map(|u| Reference::new(u, None, USERS)),
        customer_intent: v
            .customer_intent_id
            .as_deref()
            .map(|i| Reference::new(i, None, "/api/v2/intents/customerintents")),
        version_state: v.state.as_str(),
        data_schemas: v
            .data_schema_id
            .as_deref()
            .map(schema_ref)
            .into_iter()
            .collect(),
        intake_settings: v.intake_settings.iter().map(intake_dto).collect(),
        self_uri: format!("{BASE}/{}", h.id),
    }
}

/// `CaseplanCreate` and `CaseplanUpdate`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CaseplanCreate)]
pub struct CaseplanInput {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub default_due_duration_in_seconds: Option<i64>,
    #[serde(default)]
    pub default_ttl_seconds: Option<i64>,
    #[serde(default)]
    pub reference_prefix: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub customer_intent_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub default_case_owner_id: Option<Option<String>>,
    #[serde(default)]
    pub division_id: Option<String>,
    #[serde(default)]
    pub data_schemas: Option<Vec<DataSchemaRef>>,
    #[serde(default)]
    pub intake_settings: Option<Vec<IntakeSettingDto>>,
}

fn to_input(body: CaseplanInput) -> ApiResult<use_cases::Input> {
    let schema = match body.data_schemas {
        None => None,
        Some(list) if list.is_empty() => Some(None),
        Some(list) if list.len() == 1 => Some(list.into_iter().next().map(|s| s.id)),
        Some(_) => {
            return Err(ApiError::bad_request(
                "dataSchemas",
                "casefile caseplans take one data schema",
            ));
        }
    };
    Ok(use_cases::Input {
        name: body.name,
        description: body.description,
        division_id: body.division_id,
        reference_prefix: body.reference_prefix,
        default_due_duration_seconds: body.default_due_duration_in_seconds.map(Some),
        default_ttl_seconds: body.default_ttl_seconds.map(Some),
        default_owner_id: body.default_case_owner_id,
        customer_intent_id: body.customer_intent_id,
        data_schema_id: schema,
        intake_settings: body.intake_settings.map(intake_settings),
    })
}

#[utoipa::path(post, path = "/api/v2/casemanagement/caseplans", tag = "Case Management", request_body = CaseplanInput,
    responses((status = 200, body = CaseplanDto), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_caseplans(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CaseplanInput>,
) -> ApiResult<Json<CaseplanDto>> {
    let (h, v) = use_cases::create(&app, &caller, to_input(body)?).await?;
    Ok(Json(to_dto(&h, &v)))
}

async fn all(app: &App, caller: &Principal) -> ApiResult<Vec<CaseplanDto>> {
    let headers: Vec<Header> = documents::list(app, caller, None).await?;
    let mut out = Vec::with_capacity(headers.len());
    for h in headers {
        let v = use_cases::version(app, caller, &h.id, h.latest).await?;
        out.push(to_dto(&h, &v));
    }
    Ok(out)
}

#[utoipa::path(get, path = "/api/v2/casemanagement/caseplans", tag = "Case Management",
    params(("pageSize" = Option<i64>, Query, minimum = 1, maximum = 200, description = "1 to 200 (default 25)"), ("after" = Option<String>, Query, description = "cursor")),
    responses((status = 200, body = CursorListing<CaseplanDto>), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn get_caseplans(
    State(app): State<App>,
    Caller(caller): Caller,
    q: crate::api::extract::QueryParams,
) -> ApiResult<Json<CursorListing<CaseplanDto>>> {
    let mut entities = all(&app, &caller).await?;
    entities.sort_by_key(|c| c.name.to_lowercase());
    let size = q.cursor_page_size()?;
    crate::api::common::page_slice(entities, q.str("after"), size, BASE).map(Json)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseplanFilter {
    pub name: String,
    pub operator: String,
    #[serde(default)]
    pub values: Vec<String>,
}

/// `CaseplanQueryRequest`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CaseplanQueryRequest)]
#[allow(dead_code)] // attributes is a projection hint; whole caseplans are returned
pub struct CaseplanQuery {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<crate::api::values::NameSearchType>)]
    pub name_search_type: Option<String>,
    #[serde(default)]
    pub division_ids: Option<Vec<String>>,
    #[serde(default)]
    pub filters: Vec<CaseplanFilter>,
    #[serde(default)]
    pub attributes: Option<Vec<String>>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 200)]
    pub page_size: Option<i64>,
    #[serde(default)]
    pub after: Option<String>,
}

fn text_matches(op: &str, value: &str, wanted: &str) -> bool {
    let (v, w) = (value.to_lowercase(), wanted.to_lowercase());
    match op {
        "CONTAINS" => v.contains(&w),
        "BEGINS_WITH" => v.starts_with(&w),
        _ => v == w,
    }
}

#[utoipa::path(post, path = "/api/v2/casemanagement/caseplans/query", tag = "Case Management", request_body = CaseplanQuery,
    responses((status = 200, body = CursorListing<CaseplanDto>), (status = 400, body = ErrorBody)), security(("bearer" = [])))]
async fn post_caseplans_query(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CaseplanQuery>,
) -> ApiResult<Json<CursorListing<CaseplanDto>>> {
    let search = match body.name_search_type.as_deref() {
        None | Some("BEGINS_WITH") => "BEGINS_WITH",
        Some("CONTAINS") => "CONTAINS",
        Some(other) => {
            return Err(ApiError::bad_request(
                "nameSearchType",
                format!("must be BEGINS_WITH or CONTAINS, got {other:?}"),
            ));
        }
    };
    for (i, f) in body.filters.iter().enumerate() {
        if !matches!(f.name.as_str(), "id" | "name" | "divisionId") {
            return Err(ApiError::bad_request(
                format!("filters[{i}].name"),
                "must be id, name or divisionId",
            ));
        }
        if !matches!(f.operator.as_str(), "IN" | "CONTAINS" | "BEGINS_WITH") {
            return Err(ApiError::bad_request(
                format!("filters[{i}].operator"),
                "must be IN, CONTAINS or BEGINS_WITH",
            ));
        }
        if f.values.is_empty() {
            return Err(ApiError::bad_request(
                format!("filters[{i}].values"),
                "needs at least one value",
            ));
        }
    }
    let mut entities = all(&app, &caller).await?;
    entities.retain(|c| {
        let name_ok = body
            .name
            .as_deref()
            .is_none_or(|n| text_matches(search, &c.name, n));
        let division_ok = body
            .division_ids
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|d| d == &c.division.id));
        let filters_ok = body.filters.iter().all(|f| {
            let value = match f.name.as_str() {
                "id" => &c.id,
                "name" => &c.name,
                _ => &c.division.id,
            };
            f.values.iter().any(|v| {
                if f.operator == "IN" {
                    value.eq_ignore_ascii_case(v)
                } else {
                    text_matches(&f.operator, value, v)
                }
            })
        });
        name_ok && division_ok && filters_ok
    });
    entities.sort_by_key(|c| c.name.to_lowercase());
    let size = crate::api::common::cursor_page_size(body.page_size)?;
    crate::api::common::page_slice(
        entities,
        body.after.as_deref(),
        size,
        &format!("{BASE}/query"),
    )
    .map(Json)
}

#[utoipa::path(get, path = "/api/v2/casemanagement/caseplans/{caseplanId}", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID")),
    responses((status = 200, body = CaseplanDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_caseplan(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<CaseplanDto>> {
    let (h, v) = use_cases::latest(&app, &caller, &id).await?;
    Ok(Json(to_dto(&h, &v)))
}

#[utoipa::path(patch, path = "/api/v2/casemanagement/caseplans/{caseplanId}", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID")), request_body = CaseplanInput,
    responses((status = 200, body = CaseplanDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn patch_caseplan(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<CaseplanInput>,
) -> ApiResult<Json<CaseplanDto>> {
    let (h, v) = use_cases::update(&app, &caller, &id, to_input(body)?).await?;
    Ok(Json(to_dto(&h, &v)))
}

#[utoipa::path(delete, path = "/api/v2/casemanagement/caseplans/{caseplanId}", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID")),
    responses((status = 204, description = "deleted"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_caseplan(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    use_cases::delete(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v2/casemanagement/caseplans/{caseplanId}/publish", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID")),
    responses((status = 200, body = CaseplanDto), (status = 400, body = ErrorBody, description = "the draft is incomplete; the message says what is missing"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn post_caseplan_publish(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<CaseplanDto>> {
    let (h, v) = use_cases::publish(&app, &caller, &id).await?;
    Ok(Json(to_dto(&h, &v)))
}

#[utoipa::path(post, path = "/api/v2/casemanagement/caseplans/{caseplanId}/versions", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID")),
    responses((status = 200, body = CaseplanDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn post_caseplan_versions(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<CaseplanDto>> {
    let (h, v) = use_cases::new_version(&app, &caller, &id).await?;
    Ok(Json(to_dto(&h, &v)))
}

fn parse_version(v: &str) -> ApiResult<i64> {
    v.parse::<i64>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| ApiError::bad_request("versionId", "must be a positive integer"))
}

pub(super) async fn load_version(
    app: &App,
    caller: &Principal,
    id: &str,
    v: &str,
) -> ApiResult<(Header, caseplan::Version)> {
    let h = use_cases::header(app, caller, id).await?;
    let v = use_cases::version(app, caller, id, parse_version(v)?).await?;
    Ok((h, v))
}

#[utoipa::path(get, path = "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("versionId" = String, Path, description = "Version")),
    responses((status = 200, body = CaseplanDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_caseplan_version(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, v)): PathParams<(String, String)>,
) -> ApiResult<Json<CaseplanDto>> {
    let (h, v) = load_version(&app, &caller, &id, &v).await?;
    Ok(Json(to_dto(&h, &v)))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entities<T> {
    pub entities: Vec<T>,
    pub self_uri: String,
}

#[utoipa::path(get, path = "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/dataschemas", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("versionId" = String, Path, description = "Version")),
    responses((status = 200, body = Entities<DataSchemaRef>), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_caseplan_version_dataschemas(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, v)): PathParams<(String, String)>,
) -> ApiResult<Json<Entities<DataSchemaRef>>> {
    let (_, plan) = load_version(&app, &caller, &id, &v).await?;
    Ok(Json(Entities {
        entities: plan
            .data_schema_id
            .as_deref()
            .map(schema_ref)
            .into_iter()
            .collect(),
        self_uri: format!("{BASE}/{id}/versions/{v}/dataschemas"),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = IntakeSettingsListing)]
pub struct IntakeListing {
    pub entities: Vec<IntakeSettingDto>,
    pub self_uri: String,
}

#[utoipa::path(get, path = "/api/v2/casemanagement/caseplans/{caseplanId}/versions/{versionId}/intakesettings", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("versionId" = String, Path, description = "Version")),
    responses((status = 200, body = IntakeListing), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_caseplan_version_intakesettings(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, v)): PathParams<(String, String)>,
) -> ApiResult<Json<IntakeListing>> {
    let (_, plan) = load_version(&app, &caller, &id, &v).await?;
    Ok(Json(IntakeListing {
        entities: plan.intake_settings.iter().map(intake_dto).collect(),
        self_uri: format!("{BASE}/{id}/versions/{v}/intakesettings"),
    }))
}

#[utoipa::path(post, path = "/api/v2/casemanagement/caseplans/{caseplanId}/dataschemas", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID")), request_body = DataSchemaRef,
    responses((status = 200, body = DataSchemaRef), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn post_caseplan_dataschemas(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<DataSchemaRef>,
) -> ApiResult<Json<DataSchemaRef>> {
    let input = use_cases::Input {
        data_schema_id: Some(Some(body.id.clone())),
        ..use_cases::Input::default()
    };
    use_cases::update(&app, &caller, &id, input).await?;
    Ok(Json(schema_ref(&body.id)))
}

#[utoipa::path(put, path = "/api/v2/casemanagement/caseplans/{caseplanId}/dataschemas/{schemaKeyName}", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("schemaKeyName" = String, Path, description = "The schema id")), request_body = DataSchemaRef,
    responses((status = 200, body = DataSchemaRef), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn put_caseplan_dataschema(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, _key)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<DataSchemaRef>,
) -> ApiResult<Json<DataSchemaRef>> {
    let input = use_cases::Input {
        data_schema_id: Some(Some(body.id.clone())),
        ..use_cases::Input::default()
    };
    use_cases::update(&app, &caller, &id, input).await?;
    Ok(Json(schema_ref(&body.id)))
}

#[utoipa::path(delete, path = "/api/v2/casemanagement/caseplans/{caseplanId}/dataschemas/{schemaKeyName}", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID"), ("schemaKeyName" = String, Path, description = "The schema id")),
    responses((status = 204, description = "removed"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_caseplan_dataschema(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((id, key)): PathParams<(String, String)>,
) -> ApiResult<StatusCode> {
    let (_, current) = use_cases::latest(&app, &caller, &id).await?;
    if current.data_schema_id.as_deref() != Some(key.as_str()) {
        return Err(ApiError::not_found("data schema"));
    }
    let input = use_cases::Input {
        data_schema_id: Some(None),
        ..use_cases::Input::default()
    };
    use_cases::update(&app, &caller, &id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = IntakeSettingsUpdate)]
pub struct IntakeUpdate {
    pub intake_settings: Vec<IntakeSettingDto>,
}

#[utoipa::path(put, path = "/api/v2/casemanagement/caseplans/{caseplanId}/intakesettings", tag = "Case Management",
    params(("caseplanId" = String, Path, description = "Caseplan ID")), request_body = IntakeUpdate,
    responses((status = 200, body = IntakeListing), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn put_caseplan_intakesettings(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<IntakeUpdate>,
) -> ApiResult<Json<IntakeListing>> {
    let input = use_cases::Input {
        intake_settings: Some(intake_settings(body.intake_settings)),
        ..use_cases::Input::default()
    };
    let (_, plan) = use_cases::update(&app, &caller, &id, input).await?;
    Ok(Json(IntakeListing {
        entities: plan.intake_settings.iter().map(intake_dto).collect(),
        self_uri: format!("{BASE}/{id}/intakesettings"),
    }))
}
