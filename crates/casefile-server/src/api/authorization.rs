//! Roles and grants: `/api/v2/authorization/roles`, `/api/v2/authorization/subjects`,
//! `/api/v2/users/{subjectId}/roles`.

use axum::Json;
use axum::extract::State;
use casefile_domain::authz::{DivisionScope, Grant, Principal, Role};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Caller, JsonList, PathParams, QueryParams};
use super::listing::{EntityListing, page};
use crate::app::{App, users};
use crate::error::{ApiError, ApiResult, ErrorBody};

pub fn router() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_authorization_roles))
        .routes(routes!(get_authorization_role))
        .routes(routes!(get_user_roles, put_user_roles))
        .routes(routes!(get_authorization_subjects_me))
        .routes(routes!(get_authorization_subject))
        .routes(routes!(
            post_authorization_subject_division_role,
            delete_authorization_subject_division_role
        ))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = DomainRole)]
pub struct RoleDto {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = DomainOrganizationRole)]
pub struct OrganizationRoleDto {
    pub id: String,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    pub default: bool,
    pub self_uri: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserAuthorization {
    pub roles: Vec<RoleDto>,
    pub permissions: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GrantDivision {
    pub id: String,
    pub name: String,
    pub self_uri: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthzGrant {
    pub subject_id: String,
    pub division: GrantDivision,
    pub role: RoleDto,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthzSubject {
    pub id: String,
    pub name: String,
    pub grants: Vec<AuthzGrant>,
    pub self_uri: String,
}

fn role_dto(role: Role) -> RoleDto {
    RoleDto {
        id: role.id().to_owned(),
        name: role.id().to_owned(),
    }
}

fn organization_role(role: Role) -> OrganizationRoleDto {
    OrganizationRoleDto {
        id: role.id().to_owned(),
        name: role.id().to_owned(),
        description: role.description().to_owned(),
        permissions: role
            .permissions()
            .iter()
            .map(|p| p.name().to_owned())
            .collect(),
        default: true,
        self_uri: format!("/api/v2/authorization/roles/{}", role.id()),
    }
}

pub fn user_authorization(grants: &[Grant]) -> UserAuthorization {
    let mut roles: Vec<Role> = grants.iter().map(|g| g.role).collect();
    roles.sort();
    roles.dedup();
    let holder = Principal {
        subject_id: String::new(),
        kind: casefile_domain::authz::SubjectKind::User,
        client_id: String::new(),
        grants: grants.to_vec(),
    };
    UserAuthorization {
        roles: roles.into_iter().map(role_dto).collect(),
        permissions: holder
            .permission_names()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    }
}

fn parse_role(field: &str, id: &str) -> ApiResult<Role> {
    Role::parse(id).ok_or_else(|| {
        ApiError::bad_request(
            field,
            format!("unknown role {id:?}; roles are admin, supervisor, agent"),
        )
    })
}

async fn subject_dto(app: &App, id: &str, name: &str, grants: &[Grant]) -> ApiResult<AuthzSubject> {
    let mut out = Vec::with_capacity(grants.len());
    for grant in grants {
        let division = match &grant.scope {
            DivisionScope::All => GrantDivision {
                id: "*".into(),
                name: "All divisions".into(),
                self_uri: "/api/v2/authorization/divisions".into(),
            },
            DivisionScope::One(d) => {
                let name = app
                    .store
                    .get_division(d)
                    .await
                    .map(|d| d.name)
                    .unwrap_or_default();
                GrantDivision {
                    id: d.clone(),
                    name,
                    self_uri: format!("/api/v2/authorization/divisions/{d}"),
                }
            }
        };
        out.push(AuthzGrant {
            subject_id: id.to_owned(),
            division,
            role: role_dto(grant.role),
        });
    }
    Ok(AuthzSubject {
        id: id.to_owned(),
        name: name.to_owned(),
        grants: out,
        self_uri: format!("/api/v2/authorization/subjects/{id}"),
    })
}

#[utoipa::path(get, path = "/api/v2/authorization/roles", tag = "Authorization",
    params(("pageSize" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size"), ("pageNumber" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "Page number")),
    responses((status = 200, body = EntityListing<OrganizationRoleDto>)), security(("bearer" = [])))]
async fn get_authorization_roles(
    query: QueryParams,
) -> ApiResult<Json<EntityListing<OrganizationRoleDto>>> {
    let page = page(&query, 25)?;
    let all: Vec<_> = Role::ALL.into_iter().map(organization_role).collect();
    let total = all.len() as i64;
    let entities = all
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.size as usize)
        .collect();
    Ok(Json(EntityListing::new(
        entities,
        total,
        page,
        "/api/v2/authorization/roles",
    )))
}

#[utoipa::path(get, path = "/api/v2/authorization/roles/{roleId}", tag = "Authorization",
    params(("roleId" = inline(crate::api::values::RoleId), Path, description = "Role ID: admin, supervisor or agent")),
    responses((status = 200, body = OrganizationRoleDto), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_authorization_role(
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<OrganizationRoleDto>> {
    let role = Role::parse(&id).ok_or_else(|| ApiError::not_found("role"))?;
    Ok(Json(organization_role(role)))
}

#[utoipa::path(get, path = "/api/v2/users/{subjectId}/roles", tag = "Users",
    params(("subjectId" = String, Path, description = "User ID")),
    responses((status = 200, body = UserAuthorization), (status = 403, description = "Another user's roles need authorization:grant:view", body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_user_roles(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<UserAuthorization>> {
    let (_, grants) = users::grants_of(&app, &caller, &id).await?;
    Ok(Json(user_authorization(&grants)))
}

/// Replaces the user's roles with these, each granted in the user's own division.
#[utoipa::path(put, path = "/api/v2/users/{subjectId}/roles", tag = "Users",
    params(("subjectId" = String, Path, description = "User ID")), request_body = Vec<String>,
    responses((status = 200, body = UserAuthorization), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn put_user_roles(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    JsonList(role_ids): JsonList<String>,
) -> ApiResult<Json<UserAuthorization>> {
    let user = users::get(&app, &caller, &id).await?;
    let mut grants = Vec::new();
    for (i, role_id) in role_ids.iter().enumerate() {
        let grant = Grant {
            role: parse_role(&format!("[{i}]"), role_id)?,
            scope: DivisionScope::One(user.division_id.clone()),
        };
        if !grants.contains(&grant) {
            grants.push(grant);
        }
    }
    let grants = users::replace_grants(&app, &caller, &id, grants).await?;
    Ok(Json(user_authorization(&grants)))
}

#[utoipa::path(get, path = "/api/v2/authorization/subjects/me", tag = "Authorization",
    responses((status = 200, body = AuthzSubject)), security(("bearer" = [])))]
async fn get_authorization_subjects_me(
    State(app): State<App>,
    Caller(caller): Caller,
) -> ApiResult<Json<AuthzSubject>> {
    let name = match caller.kind {
        casefile_domain::authz::SubjectKind::User => users::me(&app, &caller).await?.name,
        casefile_domain::authz::SubjectKind::Client => {
            crate::app::sessions::client_name(&app, &caller.subject_id).await?
        }
    };
    Ok(Json(
        subject_dto(&app, &caller.subject_id, &name, &caller.grants).await?,
    ))
}

#[utoipa::path(get, path = "/api/v2/authorization/subjects/{subjectId}", tag = "Authorization",
    params(("subjectId" = String, Path, description = "User ID")),
    responses((status = 200, body = AuthzSubject), (status = 403, description = "Another user's grants need authorization:grant:view", body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn get_authorization_subject(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<AuthzSubject>> {
    let (user, grants) = users::grants_of(&app, &caller, &id).await?;
    Ok(Json(
        subject_dto(&app, &user.id, &user.name, &grants).await?,
    ))
}

#[derive(Debug, serde::Deserialize)]
struct GrantPath {
    #[serde(rename = "subjectId")]
    subject_id: String,
    #[serde(rename = "divisionId")]
    division_id: String,
    #[serde(rename = "roleId")]
    role_id: String,
}

fn grant_of(path: &GrantPath) -> ApiResult<Grant> {
    let scope = if path.division_id == "*" {
        DivisionScope::All
    } else {
        DivisionScope::One(path.division_id.clone())
    };
    Ok(Grant {
        role: parse_role("roleId", &path.role_id)?,
        scope,
    })
}

#[utoipa::path(post, path = "/api/v2/authorization/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}", tag = "Authorization",
    params(("subjectId" = String, Path, description = "User ID"), ("divisionId" = String, Path, description = "Division ID, or * for all divisions"), ("roleId" = inline(crate::api::values::RoleId), Path, description = "Role ID: admin, supervisor or agent")),
    responses((status = 204, description = "granted"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn post_authorization_subject_division_role(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(path): PathParams<GrantPath>,
) -> ApiResult<axum::http::StatusCode> {
    users::edit_grant(&app, &caller, &path.subject_id, grant_of(&path)?, true).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v2/authorization/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}", tag = "Authorization",
    params(("subjectId" = String, Path, description = "User ID"), ("divisionId" = String, Path, description = "Division ID, or * for all divisions"), ("roleId" = inline(crate::api::values::RoleId), Path, description = "Role ID: admin, supervisor or agent")),
    responses((status = 204, description = "revoked"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_authorization_subject_division_role(
    State(app): State<App>,
    Caller(caller): Caller,
    PathParams(path): PathParams<GrantPath>,
) -> ApiResult<axum::http::StatusCode> {
    users::edit_grant(&app, &caller, &path.subject_id, grant_of(&path)?, false).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
