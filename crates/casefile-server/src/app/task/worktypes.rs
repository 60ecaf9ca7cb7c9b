//! Worktypes and their statuses.

use casefile_domain::Timestamp;
use casefile_domain::authz::{Permission, Principal};
use casefile_domain::task::status::{self, Category, Status};
use casefile_domain::task::workbin::Workbin;
use casefile_domain::task::worktype::Worktype;

use super::documents::{self, Batch, Stored};
use super::schemas;
use crate::app::error::{Error, Result};
use crate::app::{Actor, App, new_id};

impl Stored for Worktype {
    const KIND: &'static str = "worktype";
    const WHAT: &'static str = "worktype";
    const VIEW: Permission = Permission::WorktypeView;
    const EDIT: Permission = Permission::WorktypeEdit;
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn division_id(&self) -> Option<&str> {
        Some(&self.division_id)
    }
    fn refs(&self) -> Vec<String> {
        let mut refs = vec![self.default_workbin_id.clone()];
        refs.extend(self.schema_id.clone());
        refs.extend(self.default_status_id.clone());
        refs
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn date_created(&self) -> Timestamp {
        self.date_created
    }
    fn date_modified(&self) -> Timestamp {
        self.date_modified
    }
}

impl Stored for Status {
    const KIND: &'static str = "status";
    const WHAT: &'static str = "status";
    const VIEW: Permission = Permission::WorktypeView;
    const EDIT: Permission = Permission::WorktypeEdit;
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    /// Statuses are reached through their worktype, which carries the division.
    fn division_id(&self) -> Option<&str> {
        None
    }
    fn parent_id(&self) -> Option<&str> {
        Some(&self.worktype_id)
    }
    fn refs(&self) -> Vec<String> {
        let mut refs = self.destination_status_ids.clone();
        refs.extend(self.default_destination_status_id.clone());
        refs
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn date_created(&self) -> Timestamp {
        self.date_created
    }
    fn date_modified(&self) -> Timestamp {
        self.date_modified
    }
}

/// The worktype's fields a caller sets; `None` keeps the current (or default) value.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub division_id: Option<String>,
    pub default_workbin_id: Option<String>,
    pub default_status_id: Option<String>,
    pub default_duration_seconds: Option<Option<i64>>,
    pub default_expiration_seconds: Option<Option<i64>>,
    pub default_due_duration_seconds: Option<Option<i64>>,
    pub default_priority: Option<i64>,
    pub default_ttl_seconds: Option<Option<i64>>,
    pub assignment_enabled: Option<bool>,
    pub schema_id: Option<Option<String>>,
    pub schema_version: Option<Option<i64>>,
    pub service_level_target: Option<i64>,
    pub default_queue_id: Option<Option<String>>,
    pub default_language_id: Option<Option<String>>,
    pub default_skill_ids: Option<Vec<String>>,
    pub default_script_id: Option<Option<String>>,
    pub unassigned_division_contacts_enabled: Option<bool>,
    pub flow_rules_enabled: Option<bool>,
    pub disable_default_status_creation: bool,
}

fn apply(w: &mut Worktype, input: Input) {
    macro_rules! set {
        ($($field:ident),*) => { $( if let Some(v) = input.$field { w.$field = v; } )* };
    }
    set!(
        name,
        description,
        default_workbin_id,
        default_duration_seconds,
        default_expiration_seconds,
        default_due_duration_seconds,
        default_priority,
        default_ttl_seconds,
        assignment_enabled,
        schema_id,
        schema_version,
        service_level_target,
        default_queue_id,
        default_language_id,
        default_skill_ids,
        default_script_id,
        unassigned_division_contacts_enabled,
        flow_rules_enabled
    );
    if let Some(status) = input.default_status_id {
        w.default_status_id = Some(status);
    }
    w.name = w.name.trim().to_owned();
}

/// Checks the references a worktype holds: its workbin (same division) and schema version.
async fn check_references(
    app: &App,
    caller: &Principal,
    w: &mut Worktype,
    schema_changed: bool,
) -> Result<()> {
    let workbin: Workbin = documents::load(app, caller, &w.default_workbin_id)
        .await
        .map_err(Error::missing_as("defaultWorkbinId", "workbin not found"))?;
    if workbin.division_id != w.division_id {
        return Err(Error::bad_request(
            "defaultWorkbinId",
            "the workbin must be in the worktype's division",
        ));
    }
    match &w.schema_id {
        None => w.schema_version = None,
        Some(schema_id) => {
            let latest = schemas::latest_version(app, caller, schema_id)
                .await
                .map_err(Error::missing_as("schemaId", "schema not found"))?;
            match w.schema_version {
                Some(v) if v > latest || v < 1 => {
                    return Err(Error::bad_request(
                        "schemaVersion",
                        format!("the schema has versions 1 to {latest}"),
                    ));
                }
                Some(_) if !schema_changed => {}
                Some(_) => {}
                None => w.schema_version = Some(latest),
            }
        }
    }
    Ok(())
}

#[tracing::instrument(name = "task.worktypes.create", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn create(
    app: &App,
    caller: &Principal,
    input: Input,
) -> Result<(Worktype, Vec<Status>)> {
    let workbin_id = input
        .default_workbin_id
        .clone()
        .ok_or_else(|| Error::bad_request("defaultWorkbinId", "is required"))?;
    let name = input
        .name
        .clone()
        .ok_or_else(|| Error::bad_request("name", "is required"))?;
    let workbin: Workbin = documents::load(app, caller, &workbin_id)
        .await
        .map_err(Error::missing_as("defaultWorkbinId", "workbin not found"))?;
    let division_id = input
        .division_id
        .clone()
        .unwrap_or_else(|| workbin.division_id.clone());
    let division_id =
        super::workbins::target_division(app, caller, Some(division_id), Permission::WorktypeEdit)
            .await?;
    if input.default_status_id.is_some() {
        return Err(Error::bad_request(
            "defaultStatusId",
            "set the default status after creating the worktype's statuses",
        ));
    }
    let now = app.clock.now();
    let mut worktype = Worktype {
        id: new_id(now),
        name,
        description: None,
        division_id,
        default_workbin_id: workbin_id,
        default_status_id: None,
        default_duration_seconds: None,
        default_expiration_seconds: None,
        default_due_duration_seconds: None,
        default_priority: 0,
        default_ttl_seconds: None,
        assignment_enabled: false,
        schema_id: None,
        schema_version: None,
        service_level_target: 100,
        default_queue_id: None,
        default_language_id: None,
        default_skill_ids: Vec::new(),
        default_script_id: None,
        unassigned_division_contacts_enabled: true,
        flow_rules_enabled: false,
        version: 1,
        date_created: now,
        date_modified: now,
        modified_by: Some(caller.subject_id.clone()),
    };
    let disable_defaults = input.disable_default_status_creation;
    apply(&mut worktype, input);
    worktype.validate()?;
    check_references(app, caller, &mut worktype, true).await?;
    let statuses: Vec<Status> = if disable_defaults {
        Vec::new()
    } else {
        status::DEFAULTS
            .iter()
            .map(|(name, category)| Status {
                id: new_id(now),
                worktype_id: worktype.id.clone(),
                name: (*name).to_owned(),
                category: *category,
                description: None,
                destination_status_ids: Vec::new(),
                default_destination_status_id: None,
                status_transition_delay_seconds: None,
                status_transition_time: None,
                auto_terminate_workitem: false,
                version: 1,
                date_created: now,
                date_modified: now,
            })
            .collect()
    };
    worktype.default_status_id = statuses
        .iter()
        .find(|s| s.category == Category::Open)
        .map(|s| s.id.clone());
    let actor = Actor {
        id: Some(&caller.subject_id),
        at: now,
    };
    let mut batch = Batch::default();
    // Statuses first: the worktype refers to its default status.
    let mut without_default = worktype.clone();
    without_default.default_status_id = None;
    batch.insert(&without_default, actor)?;
    for s in &statuses {
        batch.insert(s, actor)?;
    }
    if worktype.default_status_id.is_some() {
        let mut with_default = worktype.clone();
        with_default.version = 2;
        batch.update(&without_default, &with_default, actor)?;
        worktype = with_default;
    }
    batch.commit(app, "worktype").await?;
    Ok((worktype, statuses))
}

#[tracing::instrument(name = "task.worktypes.update", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn update(
    app: &App,
    caller: &Principal,
    id: &str,
    input: Input,
    expected_version: Option<i64>,
) -> Result<Worktype> {
    let current: Worktype = documents::load_for_edit(app, caller, id).await?;
    if let Some(v) = expected_version
        && v != current.version
    {
        return Err(Error::precondition_failed(current.version));
    }
    if input
        .division_id
        .as_ref()
        .is_some_and(|d| d != &current.division_id)
    {
        return Err(Error::bad_request(
            "divisionId",
            "a worktype's division cannot change",
        ));
    }
    if let Some(status_id) = &input.default_status_id {
        let statuses: Vec<Status> = documents::list(app, caller, Some(id)).await?;
        if !statuses.iter().any(|s| &s.id == status_id) {
            return Err(Error::bad_request(
                "defaultStatusId",
                "is not a status of this worktype",
            ));
        }
    }
    let schema_changed = input.schema_id.is_some() || input.schema_version.is_some();
    let now = app.clock.now();
    let mut next = current.clone();
    apply(&mut next, input);
    next.validate()?;
    check_references(app, caller, &mut next, schema_changed).await?;
    next.version += 1;
    next.date_modified = now;
    next.modified_by = Some(caller.subject_id.clone());
    let mut batch = Batch::default();
    batch.update(
        &current,
        &next,
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
    )?;
    batch.commit(app, "worktype").await?;
    Ok(next)
}

#[tracing::instrument(name = "task.worktypes.delete", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn delete(app: &App, caller: &Principal, id: &str) -> Result<()> {
    let current: Worktype = documents::load_for_edit(app, caller, id).await?;
    let mut batch = Batch::default();
    batch.delete(
        &current,
        Actor {
            id: Some(&caller.subject_id),
            at: app.clock.now(),
        },
    )?;
    batch.commit(app, "worktype").await
}

#[tracing::instrument(name = "task.worktypes.statuses", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn statuses(app: &App, caller: &Principal, worktype_id: &str) -> Result<Vec<Status>> {
    let _: Worktype = documents::load(app, caller, worktype_id).await?;
    documents::list(app, caller, Some(worktype_id)).await
}

#[tracing::instrument(name = "task.worktypes.status", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn status(
    app: &App,
    caller: &Principal,
    worktype_id: &str,
    status_id: &str,
) -> Result<Status> {
    let _: Worktype = documents::load(app, caller, worktype_id).await?;
    let s: Status = documents::load(app, caller, status_id).await?;
    if s.worktype_id != worktype_id {
        return Err(Error::not_found("status"));
    }
    Ok(s)
}

/// A status's fields as a caller sets them.
#[derive(Debug, Clone, Default)]
pub struct StatusInput {
    pub name: Option<String>,
    pub category: Option<Category>,
    pub description: Option<Option<String>>,
    pub destination_status_ids: Option<Vec<String>>,
    pub default_destination_status_id: Option<Option<String>>,
    pub status_transition_delay_seconds: Option<Option<i64>>,
    pub status_transition_time: Option<Option<String>>,
    pub auto_terminate_workitem: Option<bool>,
}

fn apply_status(s: &mut Status, input: StatusInput) {
    if let Some(v) = input.name {
        s.name = v.trim().to_owned();
    }
    if let Some(v) = input.category {
        s.category = v;
    }
    if let Some(v) = input.description {
        s.description = v;
    }
    if let Some(v) = input.destination_status_ids {
        s.destination_status_ids = v;
    }
    if let Some(v) = input.default_destination_status_id {
        s.default_destination_status_id = v;
    }
    if let Some(v) = input.status_transition_delay_seconds {
        s.status_transition_delay_seconds = v;
    }
    if let Some(v) = input.status_transition_time {
        s.status_transition_time = v;
    }
    if let Some(v) = input.auto_terminate_workitem {
        s.auto_terminate_workitem = v;
    }
}

async fn editable_worktype(
    app: &App,
    caller: &Principal,
    worktype_id: &str,
) -> Result<(Worktype, Vec<Status>)> {
    let worktype: Worktype = documents::load_for_edit(app, caller, worktype_id).await?;
    let siblings: Vec<Status> = documents::list(app, caller, Some(worktype_id)).await?;
    Ok((worktype, siblings))
}

#[tracing::instrument(name = "task.worktypes.create_status", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn create_status(
    app: &App,
    caller: &Principal,
    worktype_id: &str,
    input: StatusInput,
) -> Result<Status> {
    let (_, siblings) = editable_worktype(app, caller, worktype_id).await?;
    if siblings.len() >= status::STATUSES_MAX {
        return Err(Error::bad_request(
            "worktypeId",
            format!("a worktype has at most {} statuses", status::STATUSES_MAX),
        ));
    }
    let name = input
        .name
        .clone()
        .ok_or_else(|| Error::bad_request("name", "is required"))?;
    let category = input
        .category
        .ok_or_else(|| Error::bad_request("category", "is required"))?;
    let now = app.clock.now();
    let mut s = Status {
        id: new_id(now),
        worktype_id: worktype_id.to_owned(),
        name,
        category,
        description: None,
        destination_status_ids: Vec::new(),
        default_destination_status_id: None,
        status_transition_delay_seconds: None,
        status_transition_time: None,
        auto_terminate_workitem: false,
        version: 1,
        date_created: now,
        date_modified: now,
    };
    apply_status(&mut s, input);
    s.validate(&siblings)?;
    let mut batch = Batch::default();
    batch.insert(
        &s,
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
    )?;
    batch.commit(app, "status").await?;
    Ok(s)
}

#[tracing::instrument(name = "task.worktypes.update_status", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn update_status(
    app: &App,
    caller: &Principal,
    worktype_id: &str,
    status_id: &str,
    input: StatusInput,
) -> Result<Status> {
    let (_, siblings) = editable_worktype(app, caller, worktype_id).await?;
    let current = siblings
        .iter()
        .find(|s| s.id == status_id)
        .cloned()
        .ok_or_else(|| Error::not_found("status"))?;
    let now = app.clock.now();
    let mut next = current.clone();
    apply_status(&mut next, input);
    next.validate(&siblings)?;
    next.version += 1;
    next.date_modified = now;
    let mut batch = Batch::default();
    batch.update(
        &current,
        &next,
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
    )?;
    batch.commit(app, "status").await?;
    Ok(next)
}

#[tracing::instrument(name = "task.worktypes.delete_status", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn delete_status(
    app: &App,
    caller: &Principal,
    worktype_id: &str,
    status_id: &str,
) -> Result<()> {
    let (_, siblings) = editable_worktype(app, caller, worktype_id).await?;
    let current = siblings
        .iter()
        .find(|s| s.id == status_id)
        .cloned()
        .ok_or_else(|| Error::not_found("status"))?;
    let mut batch = Batch::default();
    batch.delete(
        &current,
        Actor {
            id: Some(&caller.subject_id),
            at: app.clock.now(),
        },
    )?;
    batch.commit(app, "status").await
}
