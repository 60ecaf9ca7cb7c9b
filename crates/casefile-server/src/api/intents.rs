//! `/api/v2/intents`: customer intents and their categories.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use casefile_domain::intent::{Category, Intent};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::common::instant;
use super::extract::{Caller, JsonBody, PathParams, QueryParams};
use super::listing::{EntityListing, page};
use super::nullable;
use crate::app::App;
use crate::app::intents;
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(post_intents, get_intents))
        .routes(routes!(get_intent, patch_intent, delete_intent))
        .routes(routes!(post_intents_bulk_retrieve))
        .routes(routes!(post_intent_assignment))
        .routes(routes!(get_intent_assignments))
        .routes(routes!(post_categories, get_categories))
        .routes(routes!(get_category, patch_category, delete_category))
}

const INTENTS: &str = "/api/v2/intents/customerintents";
const CATEGORIES: &str = "/api/v2/intents/categories";

/// `AddressableEntityRef`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AddressableEntityRef)]
pub struct EntityRef {
    pub id: String,
    pub self_uri: String,
}

/// `CustomerIntentResponse`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CustomerIntentResponse)]
pub struct IntentDto {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<EntityRef>,
    pub date_created: String,
    pub self_uri: String,
}

fn intent_dto(i: &Intent) -> IntentDto {
    IntentDto {
        id: i.id.clone(),
        name: i.name.clone(),
        description: i.description.clone(),
        expiry_time: i.expiry_time,
        category: i.category_id.as_ref().map(|c| EntityRef {
            id: c.clone(),
            self_uri: format!("{CATEGORIES}/{c}"),
        }),
        date_created: instant(i.date_created),
        self_uri: format!("{INTENTS}/{}", i.id),
    }
}

/// `IntentsCategory`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = IntentsCategory)]
pub struct CategoryDto {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub date_created: String,
    pub self_uri: String,
}

fn category_dto(c: &Category) -> CategoryDto {
    CategoryDto {
        id: c.id.clone(),
        name: c.name.clone(),
        description: c.description.clone(),
        date_created: instant(c.date_created),
        self_uri: format!("{CATEGORIES}/{}", c.id),
    }
}

/// `CustomerIntent` (the create body). `id` and `selfUri` are read-only and ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CustomerIntent)]
pub struct IntentCreate {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Hours, 1 to 8,760.
    #[serde(default)]
    pub expiry_time: Option<i64>,
    #[serde(default)]
    pub category_id: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub id: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub self_uri: Option<String>,
}

/// `CustomerIntentPatch`: absent fields stay, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CustomerIntentPatch)]
pub struct IntentPatch {
    /// Cannot be `null`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub expiry_time: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub category_id: Option<Option<String>>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub self_uri: Option<String>,
}

/// `IntentsCategory` as a create body. `id`, `dateCreated` and `selfUri` are read-only and
/// ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = IntentsCategoryInput)]
pub struct CategoryCreate {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub id: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub date_created: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub self_uri: Option<String>,
}

/// `IntentsCategoryPatch`: absent fields stay, a `null` description clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = IntentsCategoryPatch)]
pub struct CategoryPatch {
    /// Cannot be `null`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub self_uri: Option<String>,
}

/// A patched name may be absent but not `null`.
fn patched_name(name: Option<Option<String>>) -> ApiResult<Option<String>> {
    match name {
        Some(None) => Err(ApiError::bad_request("name", "is required")),
        Some(Some(n)) => Ok(Some(n)),
        None => Ok(None),
    }
}

fn same_id(given: Option<&str>, path: &str) -> ApiResult<()> {
    match given {
        Some(g) if g != path => Err(ApiError::bad_request("id", "does not match the path")),
        _ => Ok(()),
    }
}

fn paged<T, U>(
    all: Vec<T>,
    query: &QueryParams,
    base: &str,
    dto: impl Fn(&T) -> U,
) -> ApiResult<EntityListing<U>> {
    let page = page(query, 25)?;
    let total = all.len() as i64;
    let entities = all
        .iter()
        .skip(page.offset() as usize)
        .take(page.size as usize)
        .map(dto)
        .collect();
    Ok(EntityListing::new(entities, total, page, base))
}

#[utoipa::path(post, path = "/api/v2/intents/customerintents", tag = "Intents", request_body = IntentCreate,
    responses((status = 200, body = IntentDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn post_intents(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<IntentCreate>,
) -> ApiResult<Json<IntentDto>> {
    let fields = intents::Fields {
        name: body.name,
        description: body.description,
        expiry_time: body.expiry_time,
        category_id: body.category_id,
    };
    let i = intents::create_intent(&app, &caller, fields).await?;
    Ok(Json(intent_dto(&i)))
}

#[utoipa::path(get, path = "/api/v2/intents/customerintents", tag = "Intents",
    params(("pageSize" = Option<i64>, Query, minimum = 1, maximum = 500, description = "1 to 500 (default 25)"),
        ("pageNumber" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "from 1"),
        ("queryValue" = Option<String>, Query, description = "Only intents whose name contains this, ignoring case"),
        ("categoryId" = Option<String>, Query, description = "Only intents of this category")),
    responses((status = 200, body = EntityListing<IntentDto>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_intents(
    State(app): State<App>,
    Caller(caller): Caller,
    query: QueryParams,
) -> ApiResult<Json<EntityListing<IntentDto>>> {
    let all = intents::list_intents(
        &app,
        &caller,
        query.str("queryValue"),
        query.str("categoryId"),
    )
    .await?;
    paged(all, &query, INTENTS, intent_dto).map(Json)
}

#[utoipa::path(get, path = "/api/v2/intents/customerintents/{customerIntentId}", tag = "Intents",
    params(("customerIntentId" = String, Path, description = "Customer intent ID")),
    responses((status = 200, body = IntentDto), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_intent(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<IntentDto>> {
    Ok(Json(intent_dto(
        &intents::get_intent(&app, &caller, &id).await?,
    )))
}

#[utoipa::path(patch, path = "/api/v2/intents/customerintents/{customerIntentId}", tag = "Intents",
    params(("customerIntentId" = String, Path, description = "Customer intent ID")), request_body = IntentPatch,
    responses((status = 200, body = IntentDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn patch_intent(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<IntentPatch>,
) -> ApiResult<Json<IntentDto>> {
    same_id(body.id.as_deref(), &id)?;
    let patch = intents::Patch {
        name: patched_name(body.name)?,
        description: body.description,
        expiry_time: body.expiry_time,
        category_id: body.category_id,
    };
    let i = intents::update_intent(&app, &caller, &id, patch).await?;
    Ok(Json(intent_dto(&i)))
}

#[utoipa::path(delete, path = "/api/v2/intents/customerintents/{customerIntentId}", tag = "Intents",
    params(("customerIntentId" = String, Path, description = "Customer intent ID")),
    responses((status = 204, description = "deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_intent(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    intents::delete_intent(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v2/intents/categories", tag = "Intents", request_body = CategoryCreate,
    responses((status = 200, body = CategoryDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn post_categories(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CategoryCreate>,
) -> ApiResult<Json<CategoryDto>> {
    let c = intents::create_category(&app, &caller, body.name, body.description).await?;
    Ok(Json(category_dto(&c)))
}

#[utoipa::path(get, path = "/api/v2/intents/categories", tag = "Intents",
    params(("pageSize" = Option<i64>, Query, minimum = 1, maximum = 500, description = "1 to 500 (default 25)"),
        ("pageNumber" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "from 1"),
        ("queryValue" = Option<String>, Query, description = "Only categories whose name contains this, ignoring case")),
    responses((status = 200, body = EntityListing<CategoryDto>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_categories(
    State(app): State<App>,
    Caller(caller): Caller,
    query: QueryParams,
) -> ApiResult<Json<EntityListing<CategoryDto>>> {
    let all = intents::list_categories(&app, &caller, query.str("queryValue")).await?;
    paged(all, &query, CATEGORIES, category_dto).map(Json)
}

#[utoipa::path(get, path = "/api/v2/intents/categories/{categoryId}", tag = "Intents",
    params(("categoryId" = String, Path, description = "Category ID")),
    responses((status = 200, body = CategoryDto), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_category(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<CategoryDto>> {
    Ok(Json(category_dto(
        &intents::get_category(&app, &caller, &id).await?,
    )))
}

#[utoipa::path(patch, path = "/api/v2/intents/categories/{categoryId}", tag = "Intents",
    params(("categoryId" = String, Path, description = "Category ID")), request_body = CategoryPatch,
    responses((status = 200, body = CategoryDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn patch_category(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<CategoryPatch>,
) -> ApiResult<Json<CategoryDto>> {
    same_id(body.id.as_deref(), &id)?;
    let c = intents::update_category(
        &app,
        &caller,
        &id,
        patched_name(body.name)?,
        body.description,
    )
    .await?;
    Ok(Json(category_dto(&c)))
}

#[utoipa::path(delete, path = "/api/v2/intents/categories/{categoryId}", tag = "Intents",
    params(("categoryId" = String, Path, description = "Category ID")),
    responses((status = 204, description = "deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "an intent belongs to the category")),
    security(("bearer" = [])))]
async fn delete_category(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    intents::delete_category(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `BatchGetCustomerIntentsRequest`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = BatchGetCustomerIntentsRequest)]
pub struct BulkRetrieve {
    pub ids: Vec<String>,
}

/// The intents with these ids, in the order asked; ids that are unknown or not visible are
/// left out.
#[utoipa::path(post, path = "/api/v2/intents/customerintents/bulk/retrieve", tag = "Intents",
    request_body = BulkRetrieve,
    responses((status = 200, body = Vec<IntentDto>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn post_intents_bulk_retrieve(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<BulkRetrieve>,
) -> ApiResult<Json<Vec<IntentDto>>> {
    if body.ids.len() > 100 {
        return Err(crate::error::ApiError::bad_request(
            "ids",
            "at most 100 ids",
        ));
    }
    let mut out = Vec::with_capacity(body.ids.len());
    for id in &body.ids {
        if let Ok(i) = intents::get_intent(&app, &caller, id).await {
            out.push(intent_dto(&i));
        }
    }
    Ok(Json(out))
}

/// `CustomerIntentAssignmentRequest`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CustomerIntentAssignmentRequest)]
pub struct AssignmentRequest {
    #[serde(default)]
    pub source_id: Option<String>,
    #[serde(default)]
    pub session_id: Option<String>,
    #[serde(default)]
    pub conversation_id: Option<String>,
    #[serde(default)]
    pub source_type: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamedRef {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub self_uri: String,
}

/// `CustomerIntentAssignmentResponse`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = CustomerIntentAssignmentResponse)]
pub struct AssignmentDto {
    pub customer_intent: NamedRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<NamedRef>,
    pub date_most_recently_assigned: String,
}

fn assignment_dto(a: &intents::Assignment, intent: Option<&Intent>) -> AssignmentDto {
    AssignmentDto {
        customer_intent: NamedRef {
            id: a.intent_id.clone(),
            name: intent.map(|i| i.name.clone()),
            self_uri: format!("{INTENTS}/{}", a.intent_id),
        },
        category: intent
            .and_then(|i| i.category_id.clone())
            .map(|c| NamedRef {
                self_uri: format!("{CATEGORIES}/{c}"),
                id: c,
                name: None,
            }),
        date_most_recently_assigned: instant(a.date_most_recent),
    }
}

#[utoipa::path(post, path = "/api/v2/intents/assignments/externalcontacts/{externalContactId}/customerintents/{customerIntentId}/assignment", tag = "Intents",
    params(("externalContactId" = String, Path, description = "External contact ID"), ("customerIntentId" = String, Path, description = "Customer intent ID")),
    request_body = AssignmentRequest,
    responses((status = 200, body = AssignmentDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn post_intent_assignment(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((contact_id, intent_id)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<AssignmentRequest>,
) -> ApiResult<Json<AssignmentDto>> {
    let source_id = body.source_id.or(body.session_id);
    let (a, intent) = intents::assign(
        &app,
        &caller,
        &contact_id,
        &intent_id,
        body.source_type,
        source_id,
        body.conversation_id,
    )
    .await?;
    Ok(Json(assignment_dto(&a, Some(&intent))))
}

#[utoipa::path(get, path = "/api/v2/intents/assignments/externalcontacts/{externalContactId}", tag = "Intents",
    params(("externalContactId" = String, Path, description = "External contact ID"), ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size"), ("pageNumber" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "Page number")),
    responses((status = 200, body = EntityListing<AssignmentDto>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_intent_assignments(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(contact_id): PathParams<String>,
    q: QueryParams,
) -> ApiResult<Json<EntityListing<AssignmentDto>>> {
    let page = page(&q, 25)?;
    let all = intents::assignments(&app, &caller, &contact_id).await?;
    let total = all.len() as i64;
    let entities = all
        .iter()
        .skip(page.offset() as usize)
        .take(page.size as usize)
        .map(|(a, i)| assignment_dto(a, i.as_ref()))
        .collect();
    Ok(Json(EntityListing::new(
        entities,
        total,
        page,
        &format!("/api/v2/intents/assignments/externalcontacts/{contact_id}"),
    )))
}
