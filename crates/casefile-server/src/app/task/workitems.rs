//! Workitems: create from the worktype's defaults, change along allowed statuses, assign,
//! terminate, query; every change one transaction with its event.

use casefile_domain::authz::{Permission, Principal};
use casefile_domain::task::status::Status;
use casefile_domain::task::workitem::{Draft, Workitem};
use casefile_domain::task::worktype::Worktype;
use casefile_store::{Error as StoreError, UnitOfWork, WorkitemQuery};
use serde_json::{Map, Value};

use super::documents;
use crate::app::error::{Error, Result};
use crate::app::{Actor, App, change, snapshot};

pub use super::workitem_builder::{ENTITY, created_change, prepare, terminated};
use super::workitem_builder::{
    check_assignee, is_self, type_status, validated_fields, workbin_division,
};

/// The workitem if the caller may see it; 404 otherwise.
pub async fn get(app: &App, caller: &Principal, id: &str) -> Result<Workitem> {
    super::workitem_builder::visible(app, caller, id).await
}

/// Changing any workitem needs `WorkitemEdit`; agents may change their own (`WorkitemEditOwn`).
fn require_edit(caller: &Principal, w: &Workitem) -> Result<()> {
    if caller.can(Permission::WorkitemEdit, &w.division_id)
        || (caller.can(Permission::WorkitemEditOwn, &w.division_id)
            && is_self(caller, w.assignee_id.as_deref()))
    {
        Ok(())
    } else {
        Err(Error::forbidden(Permission::WorkitemEdit))
    }
}

/// Assigning someone else needs `WorkitemAssign`; taking an unassigned workitem oneself needs
/// `WorkitemEditOwn`; anyone who may edit may unassign.
fn require_assign(caller: &Principal, w: &Workitem, assignee: Option<&str>) -> Result<()> {
    if caller.can(Permission::WorkitemAssign, &w.division_id) {
        return Ok(());
    }
    let pulls = is_self(caller, assignee)
        && (w.assignee_id.is_none() || w.assignee_id.as_deref() == assignee);
    let releases = assignee.is_none() && is_self(caller, w.assignee_id.as_deref());
    if (pulls || releases) && caller.can(Permission::WorkitemEditOwn, &w.division_id) {
        Ok(())
    } else {
        Err(Error::forbidden(Permission::WorkitemAssign))
    }
}

#[tracing::instrument(name = "task.workitems.create", level = "debug", skip_all, fields(caller = %caller.subject_id, type_id = %type_id))]
pub async fn create(
    app: &App,
    caller: &Principal,
    type_id: &str,
    draft: Draft,
) -> Result<Workitem> {
    let w = prepare(app, caller, type_id, draft).await?;
    let change = created_change(&w, caller)?;
    app.commit(&UnitOfWork {
        workitem_inserts: vec![w.clone()],
        changes: vec![change],
        ..UnitOfWork::default()
    })
    .await?;
    Ok(w)
}

/// A caller's change to a workitem's fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub priority: Option<i64>,
    pub date_due: Option<Option<casefile_domain::Timestamp>>,
    pub date_expires: Option<Option<casefile_domain::Timestamp>>,
    pub duration_seconds: Option<Option<i64>>,
    pub ttl: Option<Option<i64>>,
    pub status_id: Option<String>,
    pub workbin_id: Option<String>,
    pub auto_status_transition: Option<bool>,
    pub custom_fields: Option<Map<String, Value>>,
    pub queue_id: Option<Option<String>>,
    pub assignee_id: Option<Option<String>>,
    pub external_contact_id: Option<Option<String>>,
    pub external_tag: Option<Option<String>>,
    pub skill_ids: Option<Vec<String>>,
    pub language_id: Option<Option<String>>,
    pub preferred_agent_ids: Option<Vec<String>>,
    pub script_id: Option<Option<String>>,
}

/// Applies a patch if the stored version still is `expected` (when given).
#[tracing::instrument(name = "task.workitems.update", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn update(
    app: &App,
    caller: &Principal,
    id: &str,
    patch: Patch,
    expected: Option<i64>,
) -> Result<Workitem> {
    // Start from the copy this node last wrote: if the write succeeds, its version guard
    // proved the copy current and so every decision taken on it. Anything else (a refusal,
    // no change, a lost race) is decided again on a fresh read.
    if let Some(recent) = app.recent.workitem(id)
        && caller.can(Permission::WorkitemView, &recent.division_id)
        && let Ok(Applied::Written(next)) =
            apply(app, caller, recent, patch.clone(), expected).await
    {
        return Ok(next);
    }
    // A lost race is decided again on a fresh read. With `If-Match` that read fails the
    // precondition if the workitem moved; without it the server owns the read-modify-write
    // and tries again (a blind write never answers a conflict the client did not ask for).
    let mut attempt = 0;
    loop {
        let current = get(app, caller, id).await?;
        match apply(app, caller, current, patch.clone(), expected).await {
            Err(e) if e.is_lost_race() && attempt < crate::app::BLIND_WRITE_RETRIES => {
                attempt += 1;
            }
            Err(e) => return Err(e),
            Ok(Applied::Written(w) | Applied::Unchanged(w)) => return Ok(w),
        }
    }
}

enum Applied {
    Written(Workitem),
    Unchanged(Workitem),
}

async fn apply(
    app: &App,
    caller: &Principal,
    current: Workitem,
    patch: Patch,
    expected: Option<i64>,
) -> Result<Applied> {
    if let Some(v) = expected
        && v != current.version
    {
        return Err(Error::precondition_failed(current.version));
    }
    if current.terminated {
        return Err(Error::bad_request(
            "workitemId",
            "the workitem is terminated",
        ));
    }
    let now = app.clock.now();
    let mut next = current.clone();
    let worktype: Worktype = documents::load(app, caller, &current.type_id).await?;
    if let Some(assignee) = &patch.assignee_id {
        require_assign(caller, &current, assignee.as_deref())?;
        check_assignee(app, assignee.as_deref()).await?;
        next.assignee_id = assignee.clone();
    }
    // Anything beyond the assignment needs edit rights on the workitem as (re)assigned.
    let only_assignment = Patch {
        assignee_id: None,
        ..patch.clone()
    } == Patch::default();
    if !only_assignment {
        require_edit(caller, &next)?;
    }
    if let Some(Some(contact)) = &patch.external_contact_id {
        crate::app::contacts::check_reference(app, caller, Some(contact)).await?;
    }
    if let Some(workbin_id) = &patch.workbin_id {
        let division = workbin_division(app, caller, workbin_id).await?;
        if division != current.division_id {
            return Err(Error::bad_request(
                "workbinId",
                "the workbin must be in the workitem's division",
            ));
        }
        next.workbin_id = workbin_id.clone();
    }
    macro_rules! set {
        ($($field:ident),*) => { $( if let Some(v) = patch.$field { next.$field = v; } )* };
    }
    set!(
        name,
        description,
        priority,
        date_due,
        date_expires,
        duration_seconds,
        ttl,
        queue_id,
        external_contact_id,
        external_tag,
        skill_ids,
        language_id,
        preferred_agent_ids,
        script_id
    );
    if let Some(fields) = &patch.custom_fields {
        let merged = if fields.is_empty() {
            Map::new()
        } else {
            let mut merged = current.custom_fields.clone();
            for (k, v) in fields {
                merged.insert(k.clone(), v.clone());
            }
            merged.retain(|_, v| !v.is_null());
            merged
        };
        next.custom_fields = validated_fields(
            app,
            caller,
            current.schema_id.as_deref(),
            current.schema_version,
            &merged,
            false,
        )
        .await?;
    }
    let from = type_status(app, caller, &worktype, &current.status_id, "statusId").await?;
    let mut entered = from.clone();
    if let Some(status_id) = &patch.status_id {
        let to = type_status(app, caller, &worktype, status_id, "statusId").await?;
        next.change_status(&from, &to, now)?;
        entered = to;
    }
    if let Some(auto) = patch.auto_status_transition {
        next.auto_status_transition = auto;
        next.schedule_auto_transition(&entered);
    }
    next.check(now)?;
    if next == current {
        return Ok(Applied::Unchanged(current));
    }
    next.touch(Some(caller.subject_id.clone()), now);
    match save(app, caller, &current, &next, "workitem.updated").await {
        // With If-Match, losing the race to another writer is a failed precondition.
        Err(Error::Stale { .. }) if expected.is_some() => {
            Err(Error::precondition_failed(current.version + 1))
        }
        other => other.map(|()| Applied::Written(next)),
    }
}

async fn save(
    app: &App,
    caller: &Principal,
    before: &Workitem,
    after: &Workitem,
    kind: &'static str,
) -> Result<()> {
    let change = change(
        ENTITY,
        &after.id,
        after.version,
        kind,
        Actor {
            id: Some(&caller.subject_id),
            at: after.date_modified,
        },
        None, // the store's `before` is the previous version's `after`
        Some(snapshot(after)?),
    );
    let engine = crate::app::case_management::cases::on_workitem_change(
        app,
        caller,
        before,
        after,
        change.clone(),
    )
    .await?;
    let plain = || UnitOfWork {
        workitem_updates: vec![(after.clone(), before.version)],
        changes: vec![change.clone()],
        ..UnitOfWork::default()
    };
    let unit = engine.unwrap_or_else(plain);
    match app.commit(&unit).await {
        Ok(_) => Ok(()),
        Err(e) => {
            // The copy of the case this decision was taken on may be the stale one.
            app.recent.forget(&after.id, after.case_id.as_deref());
            match e {
                StoreError::Conflict { .. } | StoreError::VersionMismatch { .. } => {
                    Err(Error::version_mismatch(before.version + 1))
                }
                other => Err(other.into()),
            }
        }
    }
}

#[tracing::instrument(name = "task.workitems.assign", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn assign(
    app: &App,
    caller: &Principal,
    id: &str,
    assignee: Option<String>,
) -> Result<Workitem> {
    update(
        app,
        caller,
        id,
        Patch {
            assignee_id: Some(assignee),
            ..Patch::default()
        },
        None,
    )
    .await
}

#[tracing::instrument(name = "task.workitems.terminate", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn terminate(app: &App, caller: &Principal, id: &str) -> Result<Workitem> {
    terminate_in(app, caller, id, None).await
}

/// Terminates, first moving to `status_id` (a Closed-category status of the worktype) if given.
#[tracing::instrument(name = "task.workitems.terminate_in", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn terminate_in(
    app: &App,
    caller: &Principal,
    id: &str,
    status_id: Option<String>,
) -> Result<Workitem> {
    let current = get(app, caller, id).await?;
    if !caller.can(Permission::WorkitemTerminate, &current.division_id) {
        require_edit(caller, &current)?;
    }
    let now = app.clock.now();
    let mut next = current.clone();
    if let Some(status_id) = status_id {
        let worktype: Worktype = documents::load(app, caller, &current.type_id).await?;
        let to = type_status(app, caller, &worktype, &status_id, "statusId").await?;
        if to.category != casefile_domain::task::status::Category::Closed {
            return Err(Error::bad_request(
                "statusId",
                "must be a status in the Closed category",
            ));
        }
        let from = type_status(app, caller, &worktype, &current.status_id, "statusId").await?;
        next.change_status(&from, &to, now)?;
    }
    next.terminate(now)?;
    next.touch(Some(caller.subject_id.clone()), now);
    save(app, caller, &current, &next, "workitem.terminated").await?;
    Ok(next)
}

#[tracing::instrument(name = "task.workitems.delete", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn delete(app: &App, caller: &Principal, id: &str) -> Result<()> {
    let current = get(app, caller, id).await?;
    if !caller.can(Permission::WorkitemDelete, &current.division_id) {
        return Err(Error::forbidden(Permission::WorkitemDelete));
    }
    crate::app::case_management::cases::check_workitem_deletable(app, &current).await?;
    let now = app.clock.now();
    let change = change(
        ENTITY,
        id,
        current.version + 1,
        "workitem.deleted",
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
        None, // the store's `before` is the previous version's `after`
        None,
    );
    let unit = UnitOfWork {
        workitem_deletes: vec![(id.to_owned(), current.version)],
        changes: vec![change],
        ..UnitOfWork::default()
    };
    match app.commit(&unit).await {
        Ok(_) => Ok(()),
        // Changed since it was read (its case may have moved on): decide again.
        Err(StoreError::VersionMismatch { .. }) => Err(Error::version_mismatch(current.version)),
        Err(e) => Err(e.into()),
    }
}

/// Moves a workitem whose automatic transition is due; the system is the actor.
/// Returns false if someone changed it first (the next round sees the new state).
#[tracing::instrument(name = "task.workitems.auto_transition", level = "debug", skip_all)]
pub async fn auto_transition(
    app: &App,
    w: &Workitem,
    now: casefile_domain::Timestamp,
) -> Result<bool> {
    let (Some(at), Some(target)) = (w.auto_transition_at, w.auto_transition_to.clone()) else {
        return Ok(false);
    };
    if at > now {
        return Ok(false);
    }
    let system = crate::app::system::principal();
    let worktype: Worktype = documents::load(app, &system, &w.type_id).await?;
    let from = type_status(app, &system, &worktype, &w.status_id, "statusId").await?;
    let mut next = w.clone();
    match documents::load::<Status>(app, &system, &target).await {
        Ok(to) if from.allows(&to) => next.change_status(&from, &to, at)?,
        // The target was removed or is no longer allowed: stop the timer.
        _ => {
            next.auto_transition_at = None;
            next.auto_transition_to = None;
        }
    }
    next.touch(None, now);
    let change = change(
        ENTITY,
        &w.id,
        next.version,
        "workitem.auto_transitioned",
        Actor { id: None, at: now },
        None, // the store's `before` is the previous version's `after`
        Some(snapshot(&next)?),
    );
    let unit = crate::app::case_management::cases::on_workitem_change(
        app,
        &system,
        w,
        &next,
        change.clone(),
    )
    .await?
    .unwrap_or_else(|| UnitOfWork {
        workitem_updates: vec![(next.clone(), w.version)],
        changes: vec![change],
        ..UnitOfWork::default()
    });
    match app.commit(&unit).await {
        Ok(_) => Ok(true),
        Err(StoreError::VersionMismatch { .. }) | Err(StoreError::Conflict { .. }) => {
            app.recent.forget(&w.id, w.case_id.as_deref());
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(name = "task.workitems.query", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn query(app: &App, caller: &Principal, mut q: WorkitemQuery) -> Result<Vec<Workitem>> {
    q.visible = caller.divisions_with(Permission::WorkitemView);
    Ok(app.store.query_workitems(&q).await?)
}

#[tracing::instrument(name = "task.workitems.count", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn count(app: &App, caller: &Principal, mut q: WorkitemQuery) -> Result<i64> {
    q.visible = caller.divisions_with(Permission::WorkitemView);
    Ok(app.store.count_workitems(&q).await?)
}
