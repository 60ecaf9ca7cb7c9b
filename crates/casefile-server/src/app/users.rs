//! User use cases: create, read, list, change, delete, and their role grants.

use casefile_domain::authz::{DivisionScope, Grant, Permission, Principal, Role, SubjectKind};
use casefile_domain::user::{self, NewUser, Patch, State, User};
use casefile_store::{Error as StoreError, Listing, NewUserRecord, Page, UserFilter};
use serde_json::{Value, json};

use super::{Actor, App, change, new_id, secrets};
use crate::app::error::{Error, Result};

const ENTITY: &str = "user";

pub fn snapshot(u: &User) -> Value {
    json!({
        "id": u.id, "name": u.name, "email": u.email, "divisionId": u.division_id, "state": u.state.as_str(),
        "department": u.department, "title": u.title, "preferredName": u.preferred_name,
        "managerId": u.manager_id, "addresses": u.addresses, "version": u.version,
    })
}

fn grants_snapshot(grants: &[Grant]) -> Value {
    Value::Array(
        grants
            .iter()
            .map(|g| json!({"role": g.role.id(), "division": g.scope.as_str()}))
            .collect(),
    )
}

async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .map_err(|e| Error::internal(e.into()))?
        .map_err(Error::internal)
}

/// The division must exist and be visible to the caller; reported as a bad field otherwise.
async fn visible_division(app: &App, caller: &Principal, field: &str, id: &str) -> Result<()> {
    if !caller.can(Permission::DivisionView, id) && !caller.can(Permission::UserView, id) {
        return Err(Error::bad_request(
            field,
            format!("division {id:?} was not found"),
        ));
    }
    match app.store.get_division(id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => Err(Error::bad_request(
            field,
            format!("division {id:?} was not found"),
        )),
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(name = "users.create", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn create(
    app: &App,
    caller: &Principal,
    new: NewUser,
    password: Option<String>,
) -> Result<User> {
    visible_division(app, caller, "divisionId", &new.division_id).await?;
    if !caller.can(Permission::UserAdd, &new.division_id) {
        return Err(Error::forbidden(Permission::UserAdd));
    }
    let password_hash = match password {
        Some(p) => {
            user::check_password("password", &p)?;
            Some(hash(p).await?)
        }
        None => None,
    };
    let now = app.clock.now();
    let user = new.into_user(new_id(now), now);
    let grants = [Grant {
        role: Role::Agent,
        scope: DivisionScope::One(user.division_id.clone()),
    }];
    let mut after = snapshot(&user);
    after["grants"] = grants_snapshot(&grants);
    let change = change(
        ENTITY,
        &user.id,
        1,
        "user.created",
        Actor {
            id: Some(&caller.subject_id),
            at: user.date_created,
        },
        None,
        Some(after.into()),
    );
    let record = NewUserRecord {
        user: &user,
        password_hash: password_hash.as_deref(),
        grants: &grants,
    };
    match app
        .commit_entity(
            casefile_store::EntityWrite::UserInsert {
                user: record.user.clone(),
                password_hash: record.password_hash.map(str::to_owned),
                grants: record.grants.to_vec(),
            },
            &change,
        )
        .await
    {
        Ok(()) => Ok(user),
        Err(StoreError::Conflict { constraint }) if constraint.contains("email") => Err(
            Error::bad_request("email", "a user with this email address already exists"),
        ),
        Err(e) => Err(e.into()),
    }
}

/// The user through this node's cache (at most `cache::DOCUMENT_SECONDS` old; this node's
/// own writes drop it at once), with no visibility check.
#[tracing::instrument(name = "users.cached", level = "debug", skip_all, fields(id = %id))]
pub async fn cached(app: &App, id: &str) -> Result<User, StoreError> {
    let now = app.clock.now();
    if let Some(u) = app.caches.user(id, now) {
        return Ok(u);
    }
    let ticket = app.caches.user_ticket();
    let u = app.store.get_user(id).await?;
    app.caches.keep_user(&u, now, ticket);
    Ok(u)
}

/// A user visible to the caller, or 404 (never revealing users of other divisions).
#[tracing::instrument(name = "users.get", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn get(app: &App, caller: &Principal, id: &str) -> Result<User> {
    let user = match cached(app, id).await {
        Ok(u) => u,
        Err(StoreError::NotFound) => return Err(Error::not_found("user")),
        Err(e) => return Err(e.into()),
    };
    let is_self = caller.kind == SubjectKind::User && caller.subject_id == user.id;
    if !is_self && !caller.can(Permission::UserView, &user.division_id) {
        return Err(Error::not_found("user"));
    }
    Ok(user)
}

#[tracing::instrument(name = "users.me", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn me(app: &App, caller: &Principal) -> Result<User> {
    if caller.kind != SubjectKind::User {
        return Err(Error::invalid_with_code(
            "user.context.required",
            "this resource needs a user: client credentials tokens have no user; use the password grant",
        ));
    }
    get(app, caller, &caller.subject_id).await
}

pub struct ListQuery {
    pub page: Page,
    pub ids: Option<Vec<String>>,
    pub state: Option<State>,
    pub descending: bool,
}

#[tracing::instrument(name = "users.list", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn list(app: &App, caller: &Principal, q: ListQuery) -> Result<Listing<User>> {
    let filter = UserFilter {
        visible: caller.divisions_with(Permission::UserView),
        ids: q.ids,
        state: q.state,
        descending: q.descending,
    };
    Ok(app.store.list_users(&filter, q.page).await?)
}

async fn editable(app: &App, caller: &Principal, id: &str, action: Permission) -> Result<User> {
    let user = get(app, caller, id).await?;
    caller
        .check(Permission::UserView, action, &user.division_id)
        .map_err(|r| Error::from_refusal(r, "user"))?;
    Ok(user)
}

#[tracing::instrument(name = "users.update", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn update(
    app: &App,
    caller: &Principal,
    id: &str,
    version: i64,
    email: Option<&str>,
    patch: Patch,
) -> Result<User> {
    let current = editable(app, caller, id, Permission::UserEdit).await?;
    if email.is_some_and(|e| e != current.email) {
        return Err(Error::bad_request(
            "email",
            "the primary email address cannot be changed",
        ));
    }
    if current.version != version {
        return Err(Error::version_mismatch(current.version));
    }
    if let Some(Some(manager_id)) = &patch.manager_id {
        get(app, caller, manager_id)
            .await
            .map_err(Error::missing_as("manager", "manager was not found"))?;
    }
    let next = user::apply(&current, patch, app.clock.now())?;
    save(app, caller, &current, &next, "user.updated").await?;
    Ok(next)
}

/// Writes `next` over `current` (its grants unchanged) with its event, and drops this node's
/// cached copies of the user and their sessions' principals.
async fn save(
    app: &App,
    caller: &Principal,
    current: &User,
    next: &User,
    kind: &'static str,
) -> Result<()> {
    let change = change(
        ENTITY,
        &next.id,
        next.version,
        kind,
        Actor {
            id: Some(&caller.subject_id),
            at: next.date_modified,
        },
        Some(snapshot(current).into()),
        Some(snapshot(next).into()),
    );
    app.commit_entity(
        casefile_store::EntityWrite::UserUpdate {
            user: next.clone(),
            expected: current.version,
            grants: None,
        },
        &change,
    )
    .await?;
    app.sessions.invalidate_subject(&next.id);
    app.caches.forget_user(&next.id);
    Ok(())
}

/// Genesys deletes users by setting their state to `deleted`; they stay readable.
#[tracing::instrument(name = "users.delete", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn delete(app: &App, caller: &Principal, id: &str) -> Result<()> {
    let current = editable(app, caller, id, Permission::UserDelete).await?;
    if current.state == State::Deleted {
        return Err(Error::not_found("user"));
    }
    let next = user::apply(
        &current,
        Patch {
            state: Some(State::Deleted),
            ..Patch::default()
        },
        app.clock.now(),
    )?;
    save(app, caller, &current, &next, "user.deleted").await
}

/// A user's grants as `expand=authorization` shows them beside a user the caller may see.
#[tracing::instrument(name = "users.expanded_grants", level = "debug", skip_all)]
pub async fn expanded_grants(app: &App, user: &User) -> Result<Vec<Grant>> {
    Ok(app.store.grants(&user.id).await?)
}

#[tracing::instrument(name = "users.grants_of", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn grants_of(app: &App, caller: &Principal, id: &str) -> Result<(User, Vec<Grant>)> {
    let user = get(app, caller, id).await?;
    let is_self = caller.kind == SubjectKind::User && caller.subject_id == user.id;
    if !is_self && !caller.can(Permission::GrantView, &user.division_id) {
        return Err(Error::forbidden(Permission::GrantView));
    }
    let grants = app.store.grants(id).await?;
    Ok((user, grants))
}

/// Replaces a user's grants, bumping the user's version so the change is audited in order.
#[tracing::instrument(name = "users.replace_grants", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn replace_grants(
    app: &App,
    caller: &Principal,
    id: &str,
    grants: Vec<Grant>,
) -> Result<Vec<Grant>> {
    let user = editable(app, caller, id, Permission::GrantEdit).await?;
    for grant in &grants {
        let allowed = match &grant.scope {
            DivisionScope::All => caller
                .grants
                .iter()
                .any(|g| g.scope == DivisionScope::All && g.role.has(Permission::GrantEdit)),
            DivisionScope::One(division) => caller.can(Permission::GrantEdit, division),
        };
        if !allowed {
            return Err(Error::forbidden(Permission::GrantEdit));
        }
    }
    let before = app.store.grants(id).await?;
    let mut next = user.clone();
    next.version += 1;
    next.date_modified = app.clock.now();
    let change = change(
        ENTITY,
        id,
        next.version,
        "user.grants_changed",
        Actor {
            id: Some(&caller.subject_id),
            at: next.date_modified,
        },
        Some(json!({ "grants": grants_snapshot(&before) }).into()),
        Some(json!({ "grants": grants_snapshot(&grants) }).into()),
    );
    app.commit_entity(
        casefile_store::EntityWrite::UserUpdate {
            user: next.clone(),
            expected: user.version,
            grants: Some(&grants).map(|g| g.to_vec()),
        },
        &change,
    )
    .await?;
    app.sessions.invalidate_subject(id);
    app.caches.forget_user(id);
    Ok(grants)
}

/// The user's grants with `grant` added (`add`) or removed.
#[tracing::instrument(name = "users.edit_grant", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn edit_grant(
    app: &App,
    caller: &Principal,
    id: &str,
    grant: Grant,
    add: bool,
) -> Result<Vec<Grant>> {
    if let DivisionScope::One(division) = &grant.scope {
        visible_division(app, caller, "divisionId", division).await?;
    }
    if !caller.holds_any(&[Permission::GrantEdit]) {
        // Even a grant already held (which changes nothing) is answered only to an editor.
        return Err(Error::forbidden(Permission::GrantEdit));
    }
    let (_, mut grants) = grants_of(app, caller, id).await?;
    let present = grants.contains(&grant);
    match (add, present) {
        (true, false) => grants.push(grant),
        (false, true) => grants.retain(|g| g != &grant),
        (true, true) => return Ok(grants),
        (false, false) => return Err(Error::not_found("grant")),
    }
    replace_grants(app, caller, id, grants).await
}
