//! `/api/v2/externalcontacts/contacts`: external contacts (customers) and their notes.
//!
//! casefile keeps the common `ExternalContact` fields (names, salutation, title, four phone
//! numbers, three email addresses, postal address, Twitter account, survey opt-out, external
//! system URL). The other Genesys fields (other social accounts, external ids, identifiers,
//! organisation, schema and custom fields, merge details) are refused with 400 naming the
//! field rather than dropped. Read-only fields (`id`, `selfUri`, dates, `type`, a phone's
//! `e164`, …) are accepted so SDK round trips work, and ignored.

use crate::app::query::{ContactSort, Page};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use casefile_domain::contact::{self, Contact, DetailsInput, Note, PhoneInput};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::common::{DIVISIONS, Reference, USERS, instant};
use super::extract::{Caller, JsonBody, PathParams, QueryParams};
use super::listing::{EntityListing, PAGE_SIZE_MAX};
use super::{etag, if_match};
use crate::app::App;
use crate::app::contacts;
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(post_contacts, get_contacts))
        .routes(routes!(get_contact, put_contact, delete_contact))
        .routes(routes!(get_notes, post_note))
        .routes(routes!(get_note, put_note, delete_note))
}

const BASE: &str = "/api/v2/externalcontacts/contacts";
/// Genesys pages through the first 1,000 matches only; so does casefile.
const FETCH_MAX: i64 = 1000;

/// A phone number. On write only `display`, `extension`, `acceptsSMS` and
/// `normalizationCountryCode` count; the others are the server's.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = PhoneNumber)]
pub struct PhoneNumberDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<i64>,
    #[serde(
        default,
        rename = "acceptsSMS",
        skip_serializing_if = "Option::is_none"
    )]
    pub accepts_sms: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalization_country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_input: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e164: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ContactAddress)]
pub struct ContactAddressDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TwitterId)]
pub struct TwitterIdDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
}

/// `ExternalContact` as casefile returns it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ExternalContact)]
pub struct ContactDto {
    pub id: String,
    pub division: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_phone: Option<PhoneNumberDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell_phone: Option<PhoneNumberDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_phone: Option<PhoneNumberDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_phone: Option<PhoneNumberDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<ContactAddressDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub twitter_id: Option<TwitterIdDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub survey_opt_out: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_system_url: Option<String>,
    /// Always `Curated`: contacts are made through the API.
    #[serde(rename = "type")]
    pub contact_type: &'static str,
    pub create_date: String,
    pub modify_date: String,
    pub self_uri: String,
}

fn phone_dto(p: &contact::Phone) -> PhoneNumberDto {
    PhoneNumberDto {
        display: Some(p.display.clone()),
        extension: p.extension,
        accepts_sms: p.accepts_sms,
        normalization_country_code: p.normalization_country_code.clone(),
        user_input: Some(p.user_input.clone()),
        e164: p.e164.clone(),
        country_code: p.country_code.clone(),
    }
}

pub fn to_dto(c: &Contact) -> ContactDto {
    let d = &c.details;
    ContactDto {
        id: c.id.clone(),
        division: Reference::new(&c.division_id, None, DIVISIONS),
        first_name: d.first_name.clone(),
        middle_name: d.middle_name.clone(),
        last_name: d.last_name.clone(),
        salutation: d.salutation.clone(),
        title: d.title.clone(),
        work_phone: d.work_phone.as_ref().map(phone_dto),
        cell_phone: d.cell_phone.as_ref().map(phone_dto),
        home_phone: d.home_phone.as_ref().map(phone_dto),
        other_phone: d.other_phone.as_ref().map(phone_dto),
        work_email: d.work_email.clone(),
        personal_email: d.personal_email.clone(),
        other_email: d.other_email.clone(),
        address: d.address.as_ref().map(|a| ContactAddressDto {
            address1: a.address1.clone(),
            address2: a.address2.clone(),
            city: a.city.clone(),
            state: a.state.clone(),
            postal_code: a.postal_code.clone(),
            country_code: a.country_code.clone(),
        }),
        twitter_id: d.twitter_id.as_ref().map(|t| TwitterIdDto {
            id: t.id.clone(),
            name: t.name.clone(),
            screen_name: t.screen_name.clone(),
            verified: t.verified,
            profile_url: t.profile_url.clone(),
        }),
        survey_opt_out: d.survey_opt_out,
        external_system_url: d.external_system_url.clone(),
        contact_type: "Curated",
        create_date: instant(c.date_created),
        modify_date: instant(c.date_modified),
        self_uri: format!("{BASE}/{}", c.id),
    }
}

/// A division reference on write: only `id` counts.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WritableStarrableDivision)]
pub struct DivisionRef {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub name: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub self_uri: Option<String>,
}

/// `ExternalContact` as a request body (`POST`, and `PUT`, which replaces every field).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ExternalContactInput)]
pub struct ContactInput {
    /// Read-only; on `PUT` it must match the path when given.
    #[serde(default)]
    pub id: Option<String>,
    /// On create: the home division when absent (or, for a caller who edits contacts in
    /// exactly one other division, that one). On update: the current division when absent.
    #[serde(default)]
    pub division: Option<DivisionRef>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub middle_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub salutation: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub work_phone: Option<PhoneNumberDto>,
    #[serde(default)]
    pub cell_phone: Option<PhoneNumberDto>,
    #[serde(default)]
    pub home_phone: Option<PhoneNumberDto>,
    #[serde(default)]
    pub other_phone: Option<PhoneNumberDto>,
    #[serde(default)]
    pub work_email: Option<String>,
    #[serde(default)]
    pub personal_email: Option<String>,
    #[serde(default)]
    pub other_email: Option<String>,
    #[serde(default)]
    pub address: Option<ContactAddressDto>,
    #[serde(default)]
    pub twitter_id: Option<TwitterIdDto>,
    #[serde(default)]
    pub survey_opt_out: Option<bool>,
    #[serde(default)]
    pub external_system_url: Option<String>,
    // read-only, ignored
    #[serde(default, rename = "type")]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub contact_type: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub create_date: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub modify_date: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub self_uri: Option<String>,
    // Genesys fields casefile does not store: refused when they carry a value
    #[serde(default)]
    #[schema(ignore)]
    pub line_id: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub whats_app_id: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub facebook_id: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub instagram_id: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub apple_opaque_ids: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub external_ids: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub identifiers: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub external_organization: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub schema: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub custom_fields: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub external_data_sources: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub canonical_contact: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub merge_set: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub merged_from: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub merged_to: Option<Value>,
    #[serde(default)]
    #[schema(ignore)]
    pub merge_operation: Option<Value>,
}

fn phone_input(p: Option<PhoneNumberDto>) -> Option<PhoneInput> {
    p.map(|p| PhoneInput {
        display: p.display,
        extension: p.extension,
        accepts_sms: p.accepts_sms,
        normalization_country_code: p.normalization_country_code,
    })
}

impl ContactInput {
    /// The first Genesys field given that casefile does not store.
    fn unsupported(&self) -> Option<&'static str> {
        [
            ("lineId", &self.line_id),
            ("whatsAppId", &self.whats_app_id),
            ("facebookId", &self.facebook_id),
            ("instagramId", &self.instagram_id),
            ("appleOpaqueIds", &self.apple_opaque_ids),
            ("externalIds", &self.external_ids),
            ("identifiers", &self.identifiers),
            ("externalOrganization", &self.external_organization),
            ("schema", &self.schema),
            ("customFields", &self.custom_fields),
            ("externalDataSources", &self.external_data_sources),
            ("canonicalContact", &self.canonical_contact),
            ("mergeSet", &self.merge_set),
            ("mergedFrom", &self.merged_from),
            ("mergedTo", &self.merged_to),
            ("mergeOperation", &self.merge_operation),
        ]
        .into_iter()
        .find(|(_, v)| v.is_some())
        .map(|(name, _)| name)
    }

    /// The division id asked for, and the fields for the domain.
    fn into_parts(self) -> ApiResult<(Option<String>, DetailsInput)> {
        if let Some(field) = self.unsupported() {
            return Err(ApiError::bad_request(
                field,
                "casefile does not store this field; leave it out",
            ));
        }
        let division = self.division.and_then(|d| d.id);
        let details = DetailsInput {
            first_name: self.first_name,
            middle_name: self.middle_name,
            last_name: self.last_name,
            salutation: self.salutation,
            title: self.title,
            work_phone: phone_input(self.work_phone),
            cell_phone: phone_input(self.cell_phone),
            home_phone: phone_input(self.home_phone),
            other_phone: phone_input(self.other_phone),
            work_email: self.work_email,
            personal_email: self.personal_email,
            other_email: self.other_email,
            address: self.address.map(|a| contact::Address {
                address1: a.address1,
                address2: a.address2,
                city: a.city,
                state: a.state,
                postal_code: a.postal_code,
                country_code: a.country_code,
            }),
            twitter_id: self.twitter_id.map(|t| contact::TwitterId {
                id: t.id,
                name: t.name,
                screen_name: t.screen_name,
                verified: t.verified,
                profile_url: t.profile_url,
            }),
            survey_opt_out: self.survey_opt_out,
            external_system_url: self.external_system_url,
        };
        Ok((division, details))
    }
}

/// `ContactListing`: the paged envelope, with `partialResults` set when more contacts
/// match than casefile counts (`total` is then a lower bound).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactListing {
    pub entities: Vec<ContactDto>,
    pub page_size: i64,
    pub page_number: i64,
    pub total: i64,
    pub partial_results: bool,
    pub page_count: i64,
    pub first_uri: String,
    pub self_uri: String,
    pub last_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_uri: Option<String>,
}

fn sort_order(query: &QueryParams) -> ApiResult<(ContactSort, bool)> {
    let Some(raw) = query.str("sortOrder").filter(|s| !s.trim().is_empty()) else {
        return Ok((ContactSort::LastName, false));
    };
    let bad = || {
        ApiError::bad_request(
            "sortOrder",
            format!(
                "must be firstName, lastName, middleName or title, optionally with :asc or :desc; got {raw:?}"
            ),
        )
    };
    let (field, direction) = raw.trim().split_once(':').unwrap_or((raw.trim(), "asc"));
    let sort = match field {
        "firstName" => ContactSort::FirstName,
        "lastName" => ContactSort::LastName,
        "middleName" => ContactSort::MiddleName,
        "title" => ContactSort::Title,
        _ => return Err(bad()),
    };
    let descending = match direction.to_ascii_lowercase().as_str() {
        "asc" | "ascending" => false,
        "desc" | "descending" => true,
        _ => return Err(bad()),
    };
    Ok((sort, descending))
}

/// `pageSize` (1 to `max`, default 20) and `pageNumber`, within the first 1,000 results.
fn limited_page(query: &QueryParams, max: i64) -> ApiResult<Page> {
    let size = query.int("pageSize", 1, max, 20)?;
    let number = query.int("pageNumber", 1, FETCH_MAX, 1)?;
    if size * number > FETCH_MAX {
        return Err(ApiError::bad_request(
            "pageNumber",
            format!("pageNumber × pageSize must be at most {FETCH_MAX}"),
        ));
    }
    Ok(Page { number, size })
}

/// Appends the listing's own query parameters to each of its URIs.
fn with_params(uri: String, params: &[(&str, String)]) -> String {
    if params.is_empty() {
        return uri;
    }
    let extra = serde_urlencoded::to_string(params).unwrap_or_default();
    format!("{uri}&{extra}")
}

#[utoipa::path(post, path = "/api/v2/externalcontacts/contacts", tag = "External Contacts",
    request_body = ContactInput,
    responses((status = 200, body = ContactDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn post_contacts(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<ContactInput>,
) -> ApiResult<(HeaderMap, Json<ContactDto>)> {
    let (division, details) = body.into_parts()?;
    let c = contacts::create(&app, &caller, division, details).await?;
    Ok((etag(c.version), Json(to_dto(&c))))
}

#[utoipa::path(get, path = "/api/v2/externalcontacts/contacts", tag = "External Contacts",
    params(
        ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 500, description = "1 to 500 (default 20); pageNumber × pageSize at most 1,000"),
        ("pageNumber" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "from 1"),
        ("q" = Option<String>, Query, description = "Finds contacts with a name, a word of a name, an email address or a phone number (digits, E.164 or national) starting with this text, ignoring case"),
        ("sortOrder" = Option<String>, Query, description = "firstName, lastName (default), middleName or title, with :asc (default) or :desc"),
        ("divisionIds" = Option<Vec<String>>, Query, description = "Only these divisions (at most 50)"),
        ("expand" = Option<Vec<String>>, Query, description = "Accepted; contacts are always returned whole"),
    ),
    responses((status = 200, body = ContactListing), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_contacts(
    State(app): State<App>,
    Caller(caller): Caller,
    query: QueryParams,
) -> ApiResult<Json<ContactListing>> {
    let page = limited_page(&query, PAGE_SIZE_MAX)?;
    let (sort, descending) = sort_order(&query)?;
    let q = query.str("q").map(str::to_owned);
    let division_ids = query.list("divisionIds");
    let listing = contacts::list(
        &app,
        &caller,
        contacts::Search {
            q: q.clone(),
            division_ids: division_ids.clone(),
            sort,
            descending,
        },
        page,
    )
    .await?;
    let partial = listing.total > contacts::COUNT_LIMIT;
    let total = listing.total.min(contacts::COUNT_LIMIT);
    let entities = listing.entities.iter().map(to_dto).collect();
    let envelope = EntityListing::new(entities, total, page, BASE);
    let mut params = Vec::new();
    if let Some(q) = q.filter(|q| !q.is_empty()) {
        params.push(("q", q));
    }
    if let Some(s) = query.str("sortOrder").filter(|s| !s.is_empty()) {
        params.push(("sortOrder", s.to_owned()));
    }
    if let Some(ids) = division_ids {
        params.push(("divisionIds", ids.join(",")));
    }
    let uri = |u: String| with_params(u, &params);
    Ok(Json(ContactListing {
        entities: envelope.entities,
        page_size: envelope.page_size,
        page_number: envelope.page_number,
        total: envelope.total,
        partial_results: partial,
        page_count: envelope.page_count,
        first_uri: uri(envelope.first_uri),
        self_uri: uri(envelope.self_uri),
        last_uri: uri(envelope.last_uri),
        next_uri: envelope.next_uri.map(uri),
        previous_uri: envelope.previous_uri.map(uri),
    }))
}

#[utoipa::path(get, path = "/api/v2/externalcontacts/contacts/{contactId}", tag = "External Contacts",
    params(("contactId" = String, Path, description = "ExternalContact ID"),
        ("expand" = Option<Vec<String>>, Query, description = "Accepted; contacts are always returned whole")),
    responses((status = 200, body = ContactDto, description = "with an ETag of its version"), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_contact(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<(HeaderMap, Json<ContactDto>)> {
    let c = contacts::get(&app, &caller, &id).await?;
    Ok((etag(c.version), Json(to_dto(&c))))
}

#[utoipa::path(put, path = "/api/v2/externalcontacts/contacts/{contactId}", tag = "External Contacts",
    params(("contactId" = String, Path, description = "ExternalContact ID"),
        ("If-Match" = Option<String>, Header, pattern = r#"^(\*|(W/)*"*[+-]?[0-9]{1,18}"*)$"#, description = "Only if the contact is still at this version (its ETag)")),
    request_body = ContactInput,
    responses((status = 200, body = ContactDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)),
    security(("bearer" = [])))]
async fn put_contact(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<ContactInput>,
) -> ApiResult<(HeaderMap, Json<ContactDto>)> {
    if body.id.as_deref().is_some_and(|given| given != id) {
        return Err(ApiError::bad_request("id", "does not match the path"));
    }
    let (division, details) = body.into_parts()?;
    let c = contacts::replace(&app, &caller, &id, division, details, if_match(&headers)?).await?;
    Ok((etag(c.version), Json(to_dto(&c))))
}

#[utoipa::path(delete, path = "/api/v2/externalcontacts/contacts/{contactId}", tag = "External Contacts",
    params(("contactId" = String, Path, description = "ExternalContact ID")),
    responses((status = 200, description = "deleted, with its notes"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "a workitem or a case refers to the contact")),
    security(("bearer" = [])))]
async fn delete_contact(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<Value>> {
    contacts::delete(&app, &caller, &id).await?;
    Ok(Json(serde_json::json!({})))
}

// notes

/// `Note` as casefile returns it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Note)]
pub struct NoteDto {
    pub id: String,
    pub division: Reference,
    pub entity_id: String,
    pub entity_type: &'static str,
    pub note_text: String,
    pub create_date: String,
    pub modify_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<Reference>,
    pub self_uri: String,
}

fn note_dto(c: &Contact, n: &Note) -> NoteDto {
    NoteDto {
        id: n.id.clone(),
        division: Reference::new(&c.division_id, None, DIVISIONS),
        entity_id: n.contact_id.clone(),
        entity_type: "contact",
        note_text: n.text.clone(),
        create_date: instant(n.date_created),
        modify_date: instant(n.date_modified),
        created_by: n
            .created_by
            .as_deref()
            .map(|id| Reference::new(id, None, USERS)),
        self_uri: format!("{BASE}/{}/notes/{}", n.contact_id, n.id),
    }
}

/// `Note` as a request body. `createdBy` is always the caller; `entityId` and `entityType`,
/// when given, must name the contact of the path.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = NoteInput)]
pub struct NoteInput {
    #[serde(default)]
    pub note_text: Option<String>,
    #[serde(default)]
    pub entity_id: Option<String>,
    #[serde(default)]
    pub entity_type: Option<String>,
    // read-only, ignored
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub division: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub created_by: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub create_date: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub modify_date: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Vec<Object>>)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub external_data_sources: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)] // read-only: accepted for SDK round trips
    pub self_uri: Option<String>,
}

impl NoteInput {
    fn check(&self, contact_id: &str, note_id: Option<&str>) -> ApiResult<()> {
        if self.entity_id.as_deref().is_some_and(|e| e != contact_id) {
            return Err(ApiError::bad_request(
                "entityId",
                "must be the contact of the path",
            ));
        }
        if self.entity_type.as_deref().is_some_and(|t| t != "contact") {
            return Err(ApiError::bad_request(
                "entityType",
                "notes here belong to a contact",
            ));
        }
        if let (Some(given), Some(path)) = (self.id.as_deref(), note_id)
            && given != path
        {
            return Err(ApiError::bad_request("id", "does not match the path"));
        }
        Ok(())
    }
}

#[utoipa::path(get, path = "/api/v2/externalcontacts/contacts/{contactId}/notes", tag = "External Contacts",
    params(("contactId" = String, Path, description = "ExternalContact ID"),
        ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 100, description = "1 to 100 (default 20); pageNumber × pageSize at most 1,000"),
        ("pageNumber" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "from 1"),
        ("sortOrder" = Option<String>, Query, description = "createDate:asc (default) or createDate:desc"),
        ("expand" = Option<Vec<String>>, Query, description = "Accepted; notes are always returned whole")),
    responses((status = 200, body = EntityListing<NoteDto>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_notes(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(contact_id): PathParams<String>,
    query: QueryParams,
) -> ApiResult<Json<EntityListing<NoteDto>>> {
    let page = limited_page(&query, 100)?;
    let descending = match query.str("sortOrder").map(str::trim) {
        None | Some("") | Some("createDate") | Some("createDate:asc") => false,
        Some("createDate:desc") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "sortOrder",
                format!("must be createDate:asc or createDate:desc, got {other:?}"),
            ));
        }
    };
    let (c, listing) = contacts::notes(&app, &caller, &contact_id, descending, page).await?;
    let entities = listing.entities.iter().map(|n| note_dto(&c, n)).collect();
    Ok(Json(EntityListing::new(
        entities,
        listing.total,
        page,
        &format!("{BASE}/{contact_id}/notes"),
    )))
}

#[utoipa::path(post, path = "/api/v2/externalcontacts/contacts/{contactId}/notes", tag = "External Contacts",
    params(("contactId" = String, Path, description = "ExternalContact ID")),
    request_body = NoteInput,
    responses((status = 200, body = NoteDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn post_note(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(contact_id): PathParams<String>,
    JsonBody(body): JsonBody<NoteInput>,
) -> ApiResult<Json<NoteDto>> {
    body.check(&contact_id, None)?;
    let (c, n) =
        contacts::create_note(&app, &caller, &contact_id, body.note_text.as_deref()).await?;
    Ok(Json(note_dto(&c, &n)))
}

#[utoipa::path(get, path = "/api/v2/externalcontacts/contacts/{contactId}/notes/{noteId}", tag = "External Contacts",
    params(("contactId" = String, Path, description = "ExternalContact ID"), ("noteId" = String, Path, description = "Note ID"),
        ("expand" = Option<Vec<String>>, Query, description = "Accepted; notes are always returned whole")),
    responses((status = 200, body = NoteDto), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_note(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((contact_id, note_id)): PathParams<(String, String)>,
) -> ApiResult<Json<NoteDto>> {
    let (c, n) = contacts::note(&app, &caller, &contact_id, &note_id).await?;
    Ok(Json(note_dto(&c, &n)))
}

#[utoipa::path(put, path = "/api/v2/externalcontacts/contacts/{contactId}/notes/{noteId}", tag = "External Contacts",
    params(("contactId" = String, Path, description = "ExternalContact ID"), ("noteId" = String, Path, description = "Note ID")),
    request_body = NoteInput,
    responses((status = 200, body = NoteDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn put_note(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((contact_id, note_id)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<NoteInput>,
) -> ApiResult<Json<NoteDto>> {
    body.check(&contact_id, Some(&note_id))?;
    let (c, n) = contacts::update_note(
        &app,
        &caller,
        &contact_id,
        &note_id,
        body.note_text.as_deref(),
    )
    .await?;
    Ok(Json(note_dto(&c, &n)))
}

#[utoipa::path(delete, path = "/api/v2/externalcontacts/contacts/{contactId}/notes/{noteId}", tag = "External Contacts",
    params(("contactId" = String, Path, description = "ExternalContact ID"), ("noteId" = String, Path, description = "Note ID")),
    responses((status = 200, description = "deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_note(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams((contact_id, note_id)): PathParams<(String, String)>,
) -> ApiResult<Json<Value>> {
    contacts::delete_note(&app, &caller, &contact_id, &note_id).await?;
    Ok(Json(serde_json::json!({})))
}
