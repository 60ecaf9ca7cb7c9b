//! Division use cases.

use casefile_domain::authz::{Permission, Principal};
use casefile_domain::division;
use casefile_store::{Division, DivisionFilter, Error as StoreError, Listing, Page};
use serde_json::{Value, json};

use super::{Actor, App, change, new_id};
use crate::app::error::{Error, Result};

const ENTITY: &str = "division";

fn snapshot(d: &Division) -> Value {
    json!({"id": d.id, "name": d.name, "description": d.description, "homeDivision": d.home, "version": d.version})
}

fn name_taken(err: StoreError) -> Error {
    match err {
        StoreError::Conflict { constraint } if constraint.contains("name") => {
            Error::bad_request("name", "a division with this name already exists")
        }
        other => other.into(),
    }
}

#[tracing::instrument(name = "divisions.get", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn get(app: &App, caller: &Principal, id: &str) -> Result<Division> {
    if !caller.can(Permission::DivisionView, id) {
        return Err(Error::not_found("division"));
    }
    match app.store.get_division(id).await {
        Err(StoreError::NotFound) => Err(Error::not_found("division")),
        other => Ok(other?),
    }
}

/// A division's name for display, from the cache when fresh; `None` if it no longer exists.
#[tracing::instrument(name = "divisions.name_of", level = "debug", skip_all, fields(id = %id))]
pub async fn name_of(app: &App, id: &str) -> Result<Option<String>> {
    let now = app.clock.now();
    if let Some(name) = app.caches.division_name(id, now) {
        return Ok(Some(name));
    }
    let ticket = app.caches.division_ticket();
    match app.store.get_division(id).await {
        Ok(d) => {
            app.caches.keep_division_name(&d.id, &d.name, now, ticket);
            Ok(Some(d.name))
        }
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(name = "divisions.home", level = "debug", skip_all)]
pub async fn home(app: &App) -> Result<Division> {
    Ok(app.store.home_division().await?)
}

#[tracing::instrument(name = "divisions.list", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn list(
    app: &App,
    caller: &Principal,
    ids: Option<Vec<String>>,
    name: Option<String>,
    page: Page,
) -> Result<Listing<Division>> {
    let filter = DivisionFilter {
        visible: caller.divisions_with(Permission::DivisionView),
        ids,
        name,
    };
    Ok(app.store.list_divisions(&filter, page).await?)
}

/// Creating a division is an organisation-wide act: it needs the permission in every division.
#[tracing::instrument(name = "divisions.create", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn create(app: &App, caller: &Principal, fields: division::Fields) -> Result<Division> {
    if caller.divisions_with(Permission::DivisionAdd) != casefile_domain::authz::Divisions::All {
        return Err(Error::forbidden(Permission::DivisionAdd));
    }
    let now = app.clock.now();
    let division = Division {
        id: new_id(now),
        name: fields.name,
        description: fields.description,
        home: false,
        version: 1,
        date_created: now,
        date_modified: now,
    };
    let change = change(
        ENTITY,
        &division.id,
        1,
        "division.created",
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
        None,
        Some(snapshot(&division).into()),
    );
    app.commit_entity(
        casefile_store::EntityWrite::DivisionInsert(division.clone()),
        &change,
    )
    .await
    .map_err(name_taken)?;
    Ok(division)
}

#[tracing::instrument(name = "divisions.update", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn update(
    app: &App,
    caller: &Principal,
    id: &str,
    name: Option<String>,
    description: Option<Option<String>>,
) -> Result<Division> {
    let current = get(app, caller, id).await?;
    caller
        .check(Permission::DivisionView, Permission::DivisionEdit, id)
        .map_err(|r| Error::from_refusal(r, "division"))?;
    let name = name.unwrap_or_else(|| current.name.clone());
    let description = description.unwrap_or_else(|| current.description.clone());
    let fields = division::Fields::parse(&name, description.as_deref())?;
    let now = app.clock.now();
    let next = Division {
        name: fields.name,
        description: fields.description,
        version: current.version + 1,
        date_modified: now,
        ..current.clone()
    };
    let change = change(
        ENTITY,
        id,
        next.version,
        "division.updated",
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
        Some(snapshot(&current).into()),
        Some(snapshot(&next).into()),
    );
    app.commit_entity(
        casefile_store::EntityWrite::DivisionUpdate {
            division: next.clone(),
            expected: current.version,
        },
        &change,
    )
    .await
    .map_err(name_taken)?;
    app.caches.forget_division(id);
    Ok(next)
}

#[tracing::instrument(name = "divisions.delete", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn delete(app: &App, caller: &Principal, id: &str) -> Result<()> {
    let current = get(app, caller, id).await?;
    caller
        .check(Permission::DivisionView, Permission::DivisionDelete, id)
        .map_err(|r| Error::from_refusal(r, "division"))?;
    if current.home {
        // A well-formed request the division's state refuses: a conflict, as for a division
        // that still holds objects.
        return Err(Error::conflict("the home division cannot be deleted"));
    }
    let now = app.clock.now();
    let change = change(
        ENTITY,
        id,
        current.version + 1,
        "division.deleted",
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
        Some(snapshot(&current).into()),
        None,
    );
    match app
        .commit_entity(
            casefile_store::EntityWrite::DivisionDelete { id: id.to_owned() },
            &change,
        )
        .await
    {
        Err(StoreError::Conflict { .. }) => Err(Error::conflict(
            "the division still holds objects; move or delete them first",
        )),
        Err(StoreError::NotFound) => Err(Error::not_found("division")),
        other => {
            app.sessions.invalidate();
            Ok(other?)
        }
    }
}

#[tracing::instrument(name = "divisions.object_counts", level = "debug", skip_all, fields(id = %id))]
pub async fn object_counts(app: &App, id: &str) -> Result<Vec<(String, i64)>> {
    Ok(app.store.count_division_objects(id).await?)
}
