//! Building workitems: a draft made into a checked workitem (its worktype, status, workbin,
//! assignee, contact and custom fields resolved and validated), and the changes that record
//! a creation or a termination. The workitem use cases and the case engine both build
//! workitems here; neither calls the other for it.

use casefile_domain::authz::{Permission, Principal, SubjectKind};
use casefile_domain::schema;
use casefile_domain::task::status::Status;
use casefile_domain::task::workbin::Workbin;
use casefile_domain::task::workitem::{Draft, Workitem};
use casefile_domain::task::worktype::Worktype;
use casefile_store::{Change, Error as StoreError};
use serde_json::{Map, Value};

use super::{documents, schemas};
use crate::app::error::{Error, Result};
use crate::app::{Actor, App, change, new_id, snapshot};

pub const ENTITY: &str = "workitem";

/// The workitem if the caller may see it; 404 otherwise.
#[tracing::instrument(name = "task.workitems.get", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn visible(app: &App, caller: &Principal, id: &str) -> Result<Workitem> {
    let w = match app.store.get_workitem(id).await {
        Ok(w) => w,
        Err(StoreError::NotFound) => return Err(Error::not_found("workitem")),
        Err(e) => return Err(e.into()),
    };
    if !caller.can(Permission::WorkitemView, &w.division_id) {
        return Err(Error::not_found("workitem"));
    }
    Ok(w)
}

/// A reference to a workitem (`workitemId` of a new case) must name one the caller may see.
pub async fn check_reference(
    app: &App,
    caller: &Principal,
    workitem_id: Option<&str>,
) -> Result<()> {
    if let Some(id) = workitem_id {
        visible(app, caller, id)
            .await
            .map_err(Error::missing_as("workitemId", "workitem not found"))?;
    }
    Ok(())
}

/// Whether the caller is the user `user_id`.
pub fn is_self(caller: &Principal, user_id: Option<&str>) -> bool {
    caller.kind == SubjectKind::User && user_id == Some(caller.subject_id.as_str())
}

#[tracing::instrument(
    name = "task.workitem_builder.check_assignee",
    level = "debug",
    skip_all
)]
pub async fn check_assignee(app: &App, assignee: Option<&str>) -> Result<()> {
    if let Some(id) = assignee {
        match crate::app::users::cached(app, id).await {
            Ok(u) if u.state == casefile_domain::user::State::Active => {}
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(Error::bad_request(
                    "assigneeId",
                    "no active user has this id",
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

#[tracing::instrument(name = "task.workitem_builder.type_status", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn type_status(
    app: &App,
    caller: &Principal,
    worktype: &Worktype,
    status_id: &str,
    field: &str,
) -> Result<Status> {
    let s: Status = documents::load(app, caller, status_id)
        .await
        .map_err(Error::missing_as(field, "status not found"))?;
    if s.worktype_id != worktype.id {
        return Err(Error::bad_request(
            field,
            "is not a status of the workitem's worktype",
        ));
    }
    Ok(s)
}

#[tracing::instrument(name = "task.workitem_builder.workbin_division", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn workbin_division(app: &App, caller: &Principal, workbin_id: &str) -> Result<String> {
    let workbin: Workbin = documents::load(app, caller, workbin_id)
        .await
        .map_err(Error::missing_as("workbinId", "workbin not found"))?;
    Ok(workbin.division_id)
}

#[tracing::instrument(name = "task.workitem_builder.validated_fields", level = "debug", skip_all, fields(caller = %caller.subject_id, schema_id = ?schema_id))]
pub async fn validated_fields(
    app: &App,
    caller: &Principal,
    schema_id: Option<&str>,
    version: Option<i64>,
    fields: &Map<String, Value>,
    require_all: bool,
) -> Result<Map<String, Value>> {
    match (schema_id, version) {
        (Some(id), Some(v)) => {
            let def = schemas::definition(app, caller, id, v).await?;
            Ok(schema::validate_fields(&def, fields, require_all)?)
        }
        _ if fields.is_empty() => Ok(Map::new()),
        _ => Err(Error::bad_request(
            "customFields",
            "the worktype has no schema, so custom fields cannot be set",
        )),
    }
}

/// Builds a workitem from the draft, checking every reference; does not store it.
#[tracing::instrument(name = "task.workitem_builder.prepare", level = "debug", skip_all, fields(caller = %caller.subject_id, type_id = %type_id))]
pub async fn prepare(
    app: &App,
    caller: &Principal,
    type_id: &str,
    mut draft: Draft,
) -> Result<Workitem> {
    let worktype: Worktype = documents::load(app, caller, type_id)
        .await
        .map_err(Error::missing_as("typeId", "worktype not found"))?;
    let status_id = match draft
        .status_id
        .take()
        .or_else(|| worktype.default_status_id.clone())
    {
        Some(id) => id,
        None => {
            return Err(Error::bad_request(
                "statusId",
                "is required: the worktype has no default status",
            ));
        }
    };
    let status = type_status(app, caller, &worktype, &status_id, "statusId").await?;
    let workbin_id = draft
        .workbin_id
        .clone()
        .unwrap_or_else(|| worktype.default_workbin_id.clone());
    let division_id = workbin_division(app, caller, &workbin_id).await?;
    if !caller.can(Permission::WorkitemAdd, &division_id) {
        return Err(Error::forbidden(Permission::WorkitemAdd));
    }
    check_assignee(app, draft.assignee_id.as_deref()).await?;
    crate::app::contacts::check_reference(app, caller, draft.external_contact_id.as_deref())
        .await?;
    if draft.assignee_id.is_some()
        && !caller.can(Permission::WorkitemAssign, &division_id)
        && !is_self(caller, draft.assignee_id.as_deref())
    {
        return Err(Error::forbidden(Permission::WorkitemAssign));
    }
    draft.custom_fields = validated_fields(
        app,
        caller,
        worktype.schema_id.as_deref(),
        worktype.schema_version,
        &draft.custom_fields,
        true,
    )
    .await?;
    let now = app.clock.now();
    let reporter = (caller.kind == SubjectKind::User).then(|| caller.subject_id.clone());
    let mut w = Workitem::create(
        new_id(now),
        draft,
        &worktype,
        &status,
        worktype.schema_version,
        reporter,
        now,
    )?;
    w.division_id = division_id;
    w.modified_by = Some(caller.subject_id.clone());
    Ok(w)
}

pub fn created_change(w: &Workitem, caller: &Principal) -> Result<Change> {
    Ok(change(
        ENTITY,
        &w.id,
        1,
        "workitem.created",
        Actor {
            id: Some(&caller.subject_id),
            at: w.date_created,
        },
        None,
        Some(snapshot(w)?),
    ))
}

/// `current` terminated at `at` by `caller`, and its event, for a unit of work that does more
/// (a case's termination terminates its open workitem in the same transaction).
pub fn terminated(
    current: &Workitem,
    caller: &Principal,
    at: casefile_domain::Timestamp,
) -> Result<(Workitem, Change)> {
    let mut next = current.clone();
    next.terminate(at)?;
    next.touch(Some(caller.subject_id.clone()), at);
    let event = change(
        ENTITY,
        &next.id,
        next.version,
        "workitem.terminated",
        Actor {
            id: Some(&caller.subject_id),
            at,
        },
        None, // the store's `before` is the previous version's `after`
        Some(snapshot(&next)?),
    );
    Ok((next, event))
}
