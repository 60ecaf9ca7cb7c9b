//! Workbins.

use casefile_domain::Timestamp;
use casefile_domain::authz::{Permission, Principal};
use casefile_domain::task::workbin::Workbin;

use super::documents::{self, Batch, Stored};
use crate::app::error::{Error, Result};
use crate::app::{Actor, App, new_id};

impl Stored for Workbin {
    const KIND: &'static str = "workbin";
    const WHAT: &'static str = "workbin";
    const VIEW: Permission = Permission::WorkbinView;
    const EDIT: Permission = Permission::WorkbinEdit;
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn division_id(&self) -> Option<&str> {
        Some(&self.division_id)
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

/// The division must exist and the caller must be allowed to edit `T` there.
#[tracing::instrument(name = "task.workbins.target_division", level = "debug", skip_all, fields(caller = %caller.subject_id, division_id = ?division_id))]
pub async fn target_division(
    app: &App,
    caller: &Principal,
    division_id: Option<String>,
    edit: Permission,
) -> Result<String> {
    let id = match division_id {
        Some(id) if !id.trim().is_empty() => id,
        _ => app.store.home_division().await?.id,
    };
    if !caller.can(Permission::DivisionView, &id) && !caller.can(edit, &id) {
        return Err(Error::bad_request(
            "divisionId",
            format!("division {id:?} was not found"),
        ));
    }
    match app.store.get_division(&id).await {
        Ok(_) => {}
        Err(casefile_store::Error::NotFound) => {
            return Err(Error::bad_request(
                "divisionId",
                format!("division {id:?} was not found"),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    if !caller.can(edit, &id) {
        return Err(Error::forbidden(edit));
    }
    Ok(id)
}

#[tracing::instrument(name = "task.workbins.create", level = "debug", skip_all, fields(caller = %caller.subject_id, division_id = ?division_id))]
pub async fn create(
    app: &App,
    caller: &Principal,
    name: String,
    description: Option<String>,
    division_id: Option<String>,
) -> Result<Workbin> {
    let division_id = target_division(app, caller, division_id, Permission::WorkbinEdit).await?;
    let now = app.clock.now();
    let workbin = Workbin {
        id: new_id(now),
        name: name.trim().to_owned(),
        description,
        division_id,
        version: 1,
        date_created: now,
        date_modified: now,
        modified_by: Some(caller.subject_id.clone()),
    };
    workbin.validate()?;
    let mut batch = Batch::default();
    batch.insert(
        &workbin,
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
    )?;
    batch.commit(app, "workbin").await?;
    Ok(workbin)
}

#[tracing::instrument(name = "task.workbins.update", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn update(
    app: &App,
    caller: &Principal,
    id: &str,
    name: Option<String>,
    description: Option<Option<String>>,
) -> Result<Workbin> {
    let current: Workbin = documents::load_for_edit(app, caller, id).await?;
    let now = app.clock.now();
    let mut next = current.clone();
    if let Some(name) = name {
        next.name = name.trim().to_owned();
    }
    if let Some(description) = description {
        next.description = description;
    }
    next.validate()?;
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
    batch.commit(app, "workbin").await?;
    Ok(next)
}

#[tracing::instrument(name = "task.workbins.delete", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn delete(app: &App, caller: &Principal, id: &str) -> Result<()> {
    let current: Workbin = documents::load_for_edit(app, caller, id).await?;
    let mut batch = Batch::default();
    batch.delete(
        &current,
        Actor {
            id: Some(&caller.subject_id),
            at: app.clock.now(),
        },
    )?;
    batch.commit(app, "workbin").await
}
