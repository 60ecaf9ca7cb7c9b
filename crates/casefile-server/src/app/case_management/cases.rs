//! Cases: created from a caseplan's published version, run stage by stage by the engine, each
//! stage through a workitem. Every engine step — the workitem change, the case change, the
//! next stage's workitem and all their events — commits in one unit of work.

use casefile_domain::authz::{Permission, Principal};
use casefile_domain::case;
use casefile_domain::case::engine::{Case, Effect, NewCase, Priority};
use casefile_domain::schema;
use casefile_domain::task::workitem::{Draft, Workitem};
use casefile_store::{CaseInsert, Change, Error as StoreError, NewEvent, UnitOfWork};
use serde_json::{Map, Value};

use super::caseplans;
use crate::app::error::{Error, Result};
use crate::app::task::{schemas, workitem_builder};
use crate::app::{Actor, App, change, new_id, snapshot};

pub const ENTITY: &str = "case";
pub const SUMMARY_MIN: usize = 3;
pub const SUMMARY_MAX: usize = 512;
pub const EXTERNAL_ID_MAX: usize = 64;
pub const INTAKE_MAX: usize = 10;

/// What a caller gives to open a case.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub caseplan_id: String,
    pub owner_id: Option<String>,
    pub summary: String,
    pub description: Option<String>,
    pub external_id: Option<String>,
    pub external_contact_id: Option<String>,
    pub conversation_id: Option<String>,
    pub workitem_id: Option<String>,
    pub ttl_seconds: Option<i64>,
    pub priority: Option<Priority>,
    pub date_due: Option<casefile_domain::Timestamp>,
    pub intake: Vec<Map<String, Value>>,
}

fn visible(caller: &Principal, c: &Case) -> bool {
    match &c.division_id {
        Some(d) => caller.can(Permission::CaseView, d),
        None => {
            caller.divisions_with(Permission::CaseView)
                != casefile_domain::authz::Divisions::Only(Vec::new())
        }
    }
}

/// The caller may change the case (403 naming `casemanagement:case:edit` if not).
fn require_edit(caller: &Principal, c: &Case) -> Result<()> {
    crate::app::task::documents::require(caller, Permission::CaseEdit, c.division_id.as_deref())
}

#[tracing::instrument(name = "case_management.cases.get", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn get(app: &App, caller: &Principal, id: &str) -> Result<Case> {
    match app.store.get_case(id).await {
        Ok(c) if visible(caller, &c) => Ok(c),
        Ok(_) | Err(StoreError::NotFound) => Err(Error::not_found("case")),
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(name = "case_management.cases.by_reference", level = "debug", skip_all, fields(caller = %caller.subject_id, reference = %reference))]
pub async fn by_reference(app: &App, caller: &Principal, reference: &str) -> Result<Case> {
    match app.store.get_case_by_reference(reference).await {
        Ok(c) if visible(caller, &c) => Ok(c),
        Ok(_) | Err(StoreError::NotFound) => Err(Error::not_found("case")),
        Err(e) => Err(e.into()),
    }
}

#[tracing::instrument(name = "case_management.cases.by_contact", level = "debug", skip_all, fields(caller = %caller.subject_id, contact_id = %contact_id))]
pub async fn by_contact(app: &App, caller: &Principal, contact_id: &str) -> Result<Vec<Case>> {
    let cases = app.store.cases_by_contact(contact_id, 500).await?;
    Ok(cases.into_iter().filter(|c| visible(caller, c)).collect())
}

/// The intake merged into the case data, checked against the intake settings and the schema.
async fn intake_data(
    app: &App,
    caller: &Principal,
    plan: &casefile_domain::case::caseplan::Version,
    intake: &[Map<String, Value>],
) -> Result<Map<String, Value>> {
    if intake.len() > INTAKE_MAX {
        return Err(Error::bad_request(
            "intake",
            format!("at most {INTAKE_MAX} intake objects"),
        ));
    }
    let mut data = Map::new();
    for (i, object) in intake.iter().enumerate() {
        for (k, v) in object {
            if plan.intake_property(k).is_none() {
                return Err(Error::bad_request(
                    format!("intake[{i}].data.{k}"),
                    "is not an intake field of the caseplan",
                ));
            }
            data.insert(k.clone(), v.clone());
        }
    }
    for s in plan.intake_settings.iter().filter(|s| s.required) {
        if data.get(&s.property).is_none_or(Value::is_null) {
            return Err(Error::bad_request(
                format!("intake.data.{}", s.property),
                "is required",
            ));
        }
    }
    if let Some(schema_id) = &plan.data_schema_id {
        let latest = schemas::latest_version(app, caller, schema_id).await?;
        let def = schemas::definition(app, caller, schema_id, latest).await?;
        data = schema::validate_fields(&def, &data, false).map_err(|e| {
            Error::bad_request(
                e.field.replacen("customFields", "intake.data", 1),
                e.message,
            )
        })?;
    }
    Ok(data)
}

fn check_text(field: &str, value: &str, min: usize, max: usize) -> Result<String> {
    Ok(casefile_domain::invalid::required_text(
        field, value, min, max,
    )?)
}

/// The workitems the engine asked for, built as the system on behalf of the case.
async fn start_workitems(
    app: &App,
    caller: &Principal,
    case: &mut Case,
    effects: Vec<Effect>,
) -> Result<(Vec<Workitem>, Vec<(Workitem, i64)>, Vec<Change>)> {
    let system = crate::app::system::principal();
    let mut inserts = Vec::new();
    let mut updates = Vec::new();
    let mut changes = Vec::new();
    for effect in effects {
        match effect {
            Effect::StartWorkitem {
                stage,
                worktype_id,
                fields,
            } => {
                let stage_name = case
                    .stages
                    .get(stage)
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                let draft = Draft {
                    name: format!("{} — {}", case.summary, stage_name)
                        .chars()
                        .take(256)
                        .collect(),
                    description: case.description.clone(),
                    priority: Some(case.priority.workitem_priority()),
                    date_due: case.date_due,
                    external_contact_id: case.external_contact_id.clone(),
                    case_id: Some(case.id.clone()),
                    custom_fields: fields,
                    ..Draft::default()
                };
                let w = workitem_builder::prepare(app, &system, &worktype_id, draft)
                    .await
                    .map_err(|e| match e.field() {
                        Some(f) if f.starts_with("customFields") => Error::bad_request(
                            f.replacen("customFields", "intake.data", 1),
                            e.message(),
                        ),
                        _ => e,
                    })?;
                case.attach_workitem(stage, &w.id);
                changes.push(workitem_builder::created_change(&w, caller)?);
                inserts.push(w);
            }
            Effect::TerminateWorkitem { workitem_id } => {
                let current = app.store.get_workitem(&workitem_id).await?;
                if current.terminated {
                    continue;
                }
                let (next, terminated) =
                    workitem_builder::terminated(&current, caller, case.date_modified)?;
                changes.push(terminated);
                updates.push((next, current.version));
            }
        }
    }
    Ok((inserts, updates, changes))
}

#[tracing::instrument(name = "case_management.cases.create", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn create(app: &App, caller: &Principal, input: Input) -> Result<Case> {
    let (header, plan) = caseplans::published(app, caller, &input.caseplan_id).await?;
    let division_ok = match &plan.division_id {
        Some(d) => caller.can(Permission::CaseAdd, d),
        None => {
            caller.divisions_with(Permission::CaseAdd)
                != casefile_domain::authz::Divisions::Only(Vec::new())
        }
    };
    if !division_ok {
        return Err(Error::forbidden(Permission::CaseAdd));
    }
    let summary = check_text("summary", &input.summary, SUMMARY_MIN, SUMMARY_MAX)?;
    let description =
        casefile_domain::invalid::optional_text("description", input.description.as_deref(), 512)?;
    let external_id = casefile_domain::invalid::optional_text(
        "externalId",
        input.external_id.as_deref(),
        EXTERNAL_ID_MAX,
    )?;
    let now = app.clock.now();
    if let Some(ttl) = input.ttl_seconds
        && (ttl < now.timestamp() || ttl > now.timestamp() + 365 * 86_400)
    {
        return Err(Error::bad_request(
            "ttlSeconds",
            "must be an epoch second between now and 365 days from now",
        ));
    }
    if let Some(owner) = &input.owner_id
        && app.store.get_user(owner).await.is_err()
    {
        return Err(Error::bad_request("ownerId", "no user has this id"));
    }
    workitem_builder::check_reference(app, caller, input.workitem_id.as_deref()).await?;
    crate::app::contacts::check_reference(app, caller, input.external_contact_id.as_deref())
        .await?;
    let data = intake_data(app, caller, &plan, &input.intake).await?;
    let new = NewCase {
        id: new_id(now),
        reference: String::new(),
        summary,
        description,
        external_id,
        owner_id: input.owner_id,
        priority: input.priority.unwrap_or(Priority::Medium),
        date_due: input.date_due,
        external_contact_id: input.external_contact_id,
        ttl_seconds: input.ttl_seconds,
        data,
        stage_ids: plan
            .stageplans
            .iter()
            .map(|_| (new_id(now), new_id(now)))
            .collect(),
    };
    let (mut case, effects) = Case::start(&plan, new, Some(caller.subject_id.clone()), now)?;
    let (inserts, _, mut changes) = start_workitems(app, caller, &mut case, effects).await?;
    let event = NewEvent {
        entity_type: ENTITY,
        entity_id: case.id.clone(),
        version: 1,
        kind: "case.created",
        actor_id: Some(caller.subject_id.clone()),
        at: now,
        before: None,
        after: None,
    };
    let mut documents = Vec::new();
    if input.conversation_id.is_some() || input.workitem_id.is_some() {
        let (stage_id, step_id) = case
            .stages
            .first()
            .map(|s| (Some(s.id.clone()), Some(s.step.id.clone())))
            .unwrap_or_default();
        let initiation = casefile_domain::case::activity::Association {
            id: new_id(now),
            key: casefile_domain::case::activity::interaction_key(
                input.workitem_id.as_deref(),
                input.conversation_id.as_deref(),
            ),
            case_id: case.id.clone(),
            kind: casefile_domain::case::activity::AssociationType::Initiation,
            workitem_id: input.workitem_id.clone(),
            conversation_id: input.conversation_id.clone(),
            stage_id,
            step_id,
            version: 1,
            date_associated: now,
        };
        documents.push(casefile_store::DocumentWrite::Insert(
            crate::app::task::documents::to_document(&initiation)?,
        ));
        changes.push(change(
            "association",
            &initiation.id,
            1,
            "association.created",
            Actor {
                id: Some(&caller.subject_id),
                at: now,
            },
            None,
            Some(snapshot(&initiation)?),
        ));
    }
    let unit = UnitOfWork {
        case_insert: Some(CaseInsert {
            case: case.clone(),
            prefix: header.reference_prefix.clone(),
            event,
        }),
        workitem_inserts: inserts,
        documents,
        changes: std::mem::take(&mut changes),
        ..UnitOfWork::default()
    };
    case.reference = app.commit(&unit).await?.unwrap_or_default();
    app.recent.keep_case(&case);
    Ok(case)
}

/// Applies a change the caller made to the case's own fields (owner, priority, …). These
/// PATCHes carry no precondition, so the server owns the read-modify-write: a write that lost
/// the race to another writer is decided again on a fresh read (up to
/// [`crate::app::BLIND_WRITE_RETRIES`] times) instead of answering a conflict the client
/// never asked for.
#[tracing::instrument(name = "case_management.cases.edit", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn edit<F>(
    app: &App,
    caller: &Principal,
    id: &str,
    kind: &'static str,
    change_fn: F,
) -> Result<Case>
where
    F: Fn(&mut Case) -> Result<()>,
{
    let mut attempt = 0;
    loop {
        match edit_once(app, caller, id, kind, &change_fn).await {
            Err(e) if e.is_lost_race() && attempt < crate::app::BLIND_WRITE_RETRIES => {
                attempt += 1;
            }
            other => return other,
        }
    }
}

async fn edit_once<F>(
    app: &App,
    caller: &Principal,
    id: &str,
    kind: &'static str,
    change_fn: &F,
) -> Result<Case>
where
    F: Fn(&mut Case) -> Result<()>,
{
    let current = get(app, caller, id).await?;
    require_edit(caller, &current)?;
    let mut next = current.clone();
    change_fn(&mut next)?;
    let now = app.clock.now();
    next.version += 1;
    next.date_modified = now;
    next.modified_by = Some(caller.subject_id.clone());
    let unit = UnitOfWork {
        case_updates: vec![(next.clone(), current.version)],
        changes: vec![change(
            ENTITY,
            id,
            next.version,
            kind,
            Actor {
                id: Some(&caller.subject_id),
                at: now,
            },
            None, // the store's `before` is the previous version's `after`
            Some(snapshot(&next)?),
        )],
        ..UnitOfWork::default()
    };
    app.commit(&unit).await?;
    Ok(next)
}

/// Refuses to let the workitem doing a case's open stage go away: deleting it would leave the
/// case in progress with nothing to work. Terminate the workitem (which ends the case with
/// it) or the case instead. Workitems of finished stages or cases may be deleted.
#[tracing::instrument(
    name = "case_management.cases.check_workitem_deletable",
    level = "debug",
    skip_all
)]
pub async fn check_workitem_deletable(app: &App, w: &Workitem) -> Result<()> {
    let Some(case_id) = &w.case_id else {
        return Ok(());
    };
    let case = match app.store.get_case(case_id).await {
        Ok(c) => c,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    match case.active_stage_of(&w.id) {
        Some(stage) if !case.status.is_final() => Err(Error::Conflict {
            constraint: Some("caseId".to_owned()),
            message: format!(
                "the workitem does the open stage '{}' of case {} ({}); terminate the workitem or the case instead of deleting it",
                case.stages[stage].name, case.reference, case.id
            ),
        }),
        _ => Ok(()),
    }
}

/// Terminates the case and its open workitem in one unit of work.
#[tracing::instrument(name = "case_management.cases.terminate", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn terminate(app: &App, caller: &Principal, id: &str) -> Result<Case> {
    let current = get(app, caller, id).await?;
    require_edit(caller, &current)?;
    let now = app.clock.now();
    let mut next = current.clone();
    next.date_modified = now;
    let effects = next.terminate(now)?;
    let (_, updates, mut changes) = start_workitems(app, caller, &mut next, effects).await?;
    next.version += 1;
    next.modified_by = Some(caller.subject_id.clone());
    changes.push(change(
        ENTITY,
        id,
        next.version,
        "case.terminated",
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
        None, // the store's `before` is the previous version's `after`
        Some(snapshot(&next)?),
    ));
    let unit = UnitOfWork {
        case_updates: vec![(next.clone(), current.version)],
        workitem_updates: updates,
        changes,
        ..UnitOfWork::default()
    };
    app.commit(&unit).await?;
    Ok(next)
}

/// The engine's part of a workitem change: if the workitem does a stage of a case and its
/// status category changed, the case moves with it. Returns the unit to commit instead of the
/// plain workitem update (the caller's workitem change is included).
#[tracing::instrument(name = "case_management.cases.on_workitem_change", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn on_workitem_change(
    app: &App,
    caller: &Principal,
    before: &Workitem,
    after: &Workitem,
    workitem_change: Change,
) -> Result<Option<UnitOfWork>> {
    let Some(case_id) = &after.case_id else {
        return Ok(None);
    };
    let closed =
        before.status_category != after.status_category && Case::advances_on(after.status_category);
    let ended = after.terminated && !before.terminated;
    if !closed && !ended {
        return Ok(None);
    }
    // The copy this node last wrote, if any: the unit's guard on the case's version refuses
    // it if stale, and the caller then starts again from fresh reads.
    let current = match app.recent.case(case_id) {
        Some(c) => Ok(c),
        None => app.store.get_case(case_id).await,
    };
    let current = match current {
        Ok(c) => c,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let now = after.date_modified;
    let mut next = current.clone();
    let effects = if closed {
        next.on_workitem_status(&after.id, after.status_category, &after.custom_fields, now)
    } else {
        next.on_workitem_terminated(&after.id, now)
    };
    if next == current {
        return Ok(None);
    }
    let (inserts, _, mut changes) = start_workitems(app, caller, &mut next, effects).await?;
    next.version += 1;
    next.date_modified = now;
    let kind = if next.status == case::Status::Terminated {
        "case.terminated"
    } else if next.status.is_final() {
        "case.closed"
    } else {
        "case.stage_advanced"
    };
    changes.insert(0, workitem_change);
    changes.push(change(
        ENTITY,
        case_id,
        next.version,
        kind,
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
        None, // the store's `before` is the previous version's `after`
        Some(snapshot(&next)?),
    ));
    Ok(Some(UnitOfWork {
        case_updates: vec![(next, current.version)],
        workitem_inserts: inserts,
        workitem_updates: vec![(after.clone(), before.version)],
        changes,
        ..UnitOfWork::default()
    }))
}
