//! `/api/v2/users`: the Genesys Users API, as far as casefile needs it.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use casefile_domain::authz::Grant;
use casefile_domain::user::{
    self, Address, ContactType, MediaType, NewUser, Patch, State as UserState, User,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::authorization::{UserAuthorization, user_authorization};
use super::extract::{Caller, JsonBody, PathParams, QueryParams};
use super::listing::{EntityListing, page};
use super::nullable;
use crate::app::{App, users};
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_users, post_users))
        .routes(routes!(get_users_me))
        .routes(routes!(get_user, patch_user, delete_user))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = Contact)]
pub struct ContactDto {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[schema(value_type = String, example = "EMAIL")]
    pub media_type: MediaType,
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "WORK")]
    pub contact_type: ContactType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

impl From<&Address> for ContactDto {
    fn from(a: &Address) -> Self {
        Self {
            address: a.address.clone(),
            display: a.address.clone(),
            media_type: a.media_type,
            contact_type: a.contact_type,
            extension: a.extension.clone(),
        }
    }
}

impl From<ContactDto> for Address {
    fn from(c: ContactDto) -> Self {
        Address {
            address: c.address,
            extension: c.extension,
            media_type: c.media_type,
            contact_type: c.contact_type,
        }
    }
}

/// A reference to another object.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub self_uri: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = User)]
pub struct UserDto {
    pub id: String,
    pub name: String,
    pub division: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    pub email: String,
    pub primary_contact_info: Vec<ContactDto>,
    pub addresses: Vec<ContactDto>,
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<Reference>,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization: Option<UserAuthorization>,
    pub self_uri: String,
}

pub fn user_uri(id: &str) -> String {
    format!("/api/v2/users/{id}")
}

fn to_dto(
    u: &User,
    division_name: Option<String>,
    authorization: Option<UserAuthorization>,
) -> UserDto {
    let mut primary = vec![ContactDto {
        address: Some(u.email.clone()),
        display: Some(u.email.clone()),
        media_type: MediaType::Email,
        contact_type: ContactType::Primary,
        extension: None,
    }];
    primary.extend(
        u.addresses
            .iter()
            .filter(|a| a.contact_type == ContactType::Primary && a.media_type != MediaType::Email)
            .map(ContactDto::from),
    );
    UserDto {
        id: u.id.clone(),
        name: u.name.clone(),
        division: Reference {
            id: u.division_id.clone(),
            name: division_name,
            self_uri: format!("/api/v2/authorization/divisions/{}", u.division_id),
        },
        department: u.department.clone(),
        email: u.email.clone(),
        primary_contact_info: primary,
        addresses: u.addresses.iter().map(ContactDto::from).collect(),
        state: u.state.as_str().to_owned(),
        title: u.title.clone(),
        username: u.email.clone(),
        manager: u.manager_id.as_ref().map(|m| Reference {
            id: m.clone(),
            name: None,
            self_uri: user_uri(m),
        }),
        version: u.version,
        preferred_name: u.preferred_name.clone(),
        authorization,
        self_uri: user_uri(&u.id),
    }
}

/// Renders users, looking each distinct division's name up once.
async fn render(
    app: &App,
    users: &[User],
    grants: Option<&HashMap<String, Vec<Grant>>>,
) -> ApiResult<Vec<UserDto>> {
    let mut names: HashMap<String, Option<String>> = HashMap::new();
    let mut out = Vec::with_capacity(users.len());
    for u in users {
        if !names.contains_key(&u.division_id) {
            let name = crate::app::divisions::name_of(app, &u.division_id).await?;
            names.insert(u.division_id.clone(), name);
        }
        let authorization = grants
            .and_then(|g| g.get(&u.id))
            .map(|g| user_authorization(g));
        out.push(to_dto(
            u,
            names.get(&u.division_id).cloned().flatten(),
            authorization,
        ));
    }
    Ok(out)
}

async fn render_one(app: &App, user: &User, query: &QueryParams) -> ApiResult<UserDto> {
    let grants = if expands(query, "authorization") {
        Some(HashMap::from([(
            user.id.clone(),
            users::expanded_grants(app, user).await?,
        )]))
    } else {
        None
    };
    let mut rendered = render(app, std::slice::from_ref(user), grants.as_ref()).await?;
    rendered
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("rendering a user produced nothing")))
}

fn expands(query: &QueryParams, what: &str) -> bool {
    query
        .list("expand")
        .is_some_and(|e| e.iter().any(|x| x == what))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CreateUser)]
pub struct CreateUserDto {
    pub name: String,
    #[serde(default)]
    pub department: Option<String>,
    pub email: String,
    #[serde(default)]
    pub addresses: Option<Vec<ContactDto>>,
    #[serde(default)]
    pub title: Option<String>,
    /// Needed for the user to sign in (password grant, web pages); never returned.
    #[serde(default)]
    pub password: Option<String>,
    /// Defaults to the home division.
    #[serde(default)]
    pub division_id: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "active")]
    pub state: Option<String>,
}

#[utoipa::path(post, path = "/api/v2/users", tag = "Users", request_body = CreateUserDto,
    responses((status = 200, body = UserDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn post_users(
    State(app): State<App>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody<CreateUserDto>,
) -> ApiResult<Json<UserDto>> {
    let division_id = match body.division_id {
        Some(id) if !id.trim().is_empty() => id,
        _ => crate::app::divisions::home(&app).await?.id,
    };
    let state = body
        .state
        .as_deref()
        .map(|s| UserState::parse("state", s))
        .transpose()?;
    if state == Some(UserState::Deleted) {
        return Err(ApiError::bad_request(
            "state",
            "a new user cannot be deleted",
        ));
    }
    let addresses = body
        .addresses
        .unwrap_or_default()
        .into_iter()
        .map(Address::from)
        .collect();
    let new = NewUser::parse(
        &body.name,
        &body.email,
        division_id,
        state,
        body.department.as_deref(),
        body.title.as_deref(),
        addresses,
    )?;
    let user = users::create(&app, &caller, new, body.password).await?;
    Ok(Json(
        render_one(&app, &user, &QueryParams::default()).await?,
    ))
}

#[utoipa::path(get, path = "/api/v2/users", tag = "Users",
    params(
        ("pageSize" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size, 1 to 500 (default 25)"),
        ("pageNumber" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "Page number, from 1"),
        ("id" = Option<Vec<String>>, Query, description = "Only these user ids"),
        ("sortOrder" = Option<String>, Query, description = "ASC or DESC, by name"),
        ("expand" = Option<Vec<String>>, Query, description = "authorization"),
        ("state" = inline(Option<crate::api::values::UserStateFilter>), Query, description = "active (default), inactive, deleted or any"),
    ),
    responses((status = 200, body = EntityListing<UserDto>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_users(
    State(app): State<App>,
    Caller(caller): Caller,
    query: QueryParams,
) -> ApiResult<Json<EntityListing<UserDto>>> {
    let page = page(&query, 25)?;
    let state = match query.str("state") {
        None => Some(UserState::Active),
        Some("any") => None,
        Some(s) => Some(UserState::parse("state", s)?),
    };
    let descending = match query
        .str("sortOrder")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("") | Some("asc") | Some("ascending") => false,
        Some("desc") | Some("descending") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "sortOrder",
                format!("must be ASC or DESC, got {other:?}"),
            ));
        }
    };
    let ids = query.list("id");
    if ids.as_ref().is_some_and(|ids| ids.len() > 100) {
        return Err(ApiError::bad_request("id", "at most 100 ids"));
    }
    let listing = users::list(
        &app,
        &caller,
        users::ListQuery {
            page,
            ids,
            state,
            descending,
        },
    )
    .await?;
    let grants = if expands(&query, "authorization") {
        let mut map = HashMap::new();
        for u in &listing.entities {
            map.insert(u.id.clone(), users::expanded_grants(&app, u).await?);
        }
        Some(map)
    } else {
        None
    };
    let entities = render(&app, &listing.entities, grants.as_ref()).await?;
    Ok(Json(EntityListing::new(
        entities,
        listing.total,
        page,
        "/api/v2/users",
    )))
}

#[utoipa::path(get, path = "/api/v2/users/me", tag = "Users",
    params(("expand" = Option<Vec<String>>, Query, description = "authorization")),
    responses((status = 200, body = UserDto), (status = 400, body = ErrorBody, description = "the token has no user (client credentials)")),
    security(("bearer" = [])))]
async fn get_users_me(
    State(app): State<App>,
    Caller(caller): Caller,
    query: QueryParams,
) -> ApiResult<Json<UserDto>> {
    let user = users::me(&app, &caller).await?;
    Ok(Json(render_one(&app, &user, &query).await?))
}

#[utoipa::path(get, path = "/api/v2/users/{userId}", tag = "Users",
    params(("userId" = String, Path, description = "User ID"), ("expand" = Option<Vec<String>>, Query, description = "authorization")),
    responses((status = 200, body = UserDto), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_user(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    query: QueryParams,
) -> ApiResult<Json<UserDto>> {
    let user = users::get(&app, &caller, &id).await?;
    Ok(Json(render_one(&app, &user, &query).await?))
}

/// The Genesys `UpdateUser` body. Fields casefile does not keep are refused, not ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = UpdateUser)]
#[allow(dead_code)] // read-only fields are accepted so SDK round trips work
pub struct UpdateUserDto {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub department: Option<Option<String>>,
    /// Must equal the current email if given (the primary email cannot change).
    #[serde(default)]
    pub email: Option<String>,
    /// Derived from `email` and `addresses`; accepted and ignored as Genesys does.
    #[serde(default)]
    pub primary_contact_info: Option<Vec<ContactDto>>,
    #[serde(default)]
    pub addresses: Option<Vec<ContactDto>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    /// Ignored, as in Genesys: the username cannot be changed.
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub preferred_name: Option<Option<String>>,
    /// The manager's user id.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub manager: Option<Option<String>>,
    /// The current version of the user (required).
    pub version: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub state: Option<String>,
    #[serde(default)]
    pub self_uri: Option<String>,
}

#[utoipa::path(patch, path = "/api/v2/users/{userId}", tag = "Users",
    params(("userId" = String, Path, description = "User ID")), request_body = UpdateUserDto,
    responses((status = 200, body = UserDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "stale version")),
    security(("bearer" = [])))]
async fn patch_user(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<UpdateUserDto>,
) -> ApiResult<Json<UserDto>> {
    let version = body.version.ok_or_else(|| {
        ApiError::bad_request("version", "is required: send the user's current version")
    })?;
    if body.id.as_ref().is_some_and(|body_id| body_id != &id) {
        return Err(ApiError::bad_request(
            "id",
            "does not match the user id in the path",
        ));
    }
    let email = body
        .email
        .as_deref()
        .map(|e| user::parse_email("email", e))
        .transpose()?;
    let patch = Patch {
        name: body.name,
        department: body.department,
        title: body.title,
        preferred_name: body.preferred_name,
        manager_id: body.manager,
        addresses: body
            .addresses
            .map(|a| a.into_iter().map(Address::from).collect()),
        state: body
            .state
            .as_deref()
            .map(|s| UserState::parse("state", s))
            .transpose()?,
    };
    let user = users::update(&app, &caller, &id, version, email.as_deref(), patch).await?;
    Ok(Json(
        render_one(&app, &user, &QueryParams::default()).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v2/users/{userId}", tag = "Users",
    params(("userId" = String, Path, description = "User ID")),
    responses((status = 200, description = "the user's state is now deleted"), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_user(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<serde_json::Value>> {
    users::delete(&app, &caller, &id).await?;
    Ok(Json(serde_json::json!({})))
}
