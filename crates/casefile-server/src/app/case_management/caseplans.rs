//! Caseplans. A caseplan is a header document (name, prefix, latest and published version
//! numbers) and one document per version (its stages, schema, intake settings). Only the
//! latest version, while a draft, is editable.

use casefile_domain::Timestamp;
use casefile_domain::authz::{Permission, Principal};
use casefile_domain::case::caseplan::{
    self, ActivityType, IntakeSetting, Stageplan, Stepplan, VersionState,
};
use casefile_domain::case::reference::Prefix;
use casefile_domain::task::worktype::Worktype;
use serde::{Deserialize, Serialize};

use crate::app::error::{Error, Result};
pub use casefile_domain::case::caseplan::Header;

use crate::app::task::documents::{self, Batch, Stored};
use crate::app::task::schemas;
use crate::app::{Actor, App, new_id};
use casefile_domain::schema;

impl Stored for Header {
    const KIND: &'static str = "caseplan";
    const WHAT: &'static str = "caseplan";
    const VIEW: Permission = Permission::CaseplanView;
    const EDIT: Permission = Permission::CaseplanEdit;
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn division_id(&self) -> Option<&str> {
        self.division_id.as_deref()
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

/// A stored caseplan version; its document name is `v<n>`, unique under the caseplan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredVersion {
    pub name: String,
    pub doc_version: i64,
    pub plan: caseplan::Version,
}

impl Stored for StoredVersion {
    const KIND: &'static str = "caseplan_version";
    const WHAT: &'static str = "caseplan version";
    const VIEW: Permission = Permission::CaseplanView;
    const EDIT: Permission = Permission::CaseplanEdit;
    fn id(&self) -> &str {
        &self.name
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn division_id(&self) -> Option<&str> {
        self.plan.division_id.as_deref()
    }
    fn parent_id(&self) -> Option<&str> {
        Some(&self.plan.caseplan_id)
    }
    fn refs(&self) -> Vec<String> {
        let mut refs: Vec<String> = self
            .plan
            .stageplans
            .iter()
            .filter_map(|s| s.stepplan.worktype_id.clone())
            .collect();
        refs.extend(self.plan.data_schema_id.clone());
        refs.extend(self.plan.customer_intent_id.clone());
        refs.sort();
        refs.dedup();
        refs
    }
    fn version(&self) -> i64 {
        self.doc_version
    }
    fn date_created(&self) -> Timestamp {
        self.plan.date_created
    }
    fn date_modified(&self) -> Timestamp {
        self.plan.date_modified
    }
}

/// The document id of a caseplan version.
pub fn version_id(caseplan_id: &str, version: i64) -> String {
    format!("{caseplan_id}:v{version}")
}

fn stored(plan: caseplan::Version, doc_version: i64) -> StoredVersion {
    StoredVersion {
        name: version_id(&plan.caseplan_id, plan.version),
        doc_version,
        plan,
    }
}

/// The caseplan's fields a caller sets.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub division_id: Option<String>,
    pub reference_prefix: Option<String>,
    pub default_due_duration_seconds: Option<Option<i64>>,
    pub default_ttl_seconds: Option<Option<i64>>,
    pub default_owner_id: Option<Option<String>>,
    pub customer_intent_id: Option<Option<String>>,
    pub data_schema_id: Option<Option<String>>,
    pub intake_settings: Option<Vec<IntakeSetting>>,
}

fn apply(plan: &mut caseplan::Version, input: Input) -> Result<()> {
    if let Some(v) = input.name {
        plan.name = v.trim().to_owned();
    }
    if let Some(v) = input.description {
        plan.description = v;
    }
    if let Some(v) = input.reference_prefix {
        plan.reference_prefix = Prefix::parse("referencePrefix", &v)?.as_str().to_owned();
    }
    if let Some(v) = input.default_due_duration_seconds {
        plan.default_due_duration_seconds = v;
    }
    if let Some(v) = input.default_ttl_seconds {
        plan.default_ttl_seconds = v;
    }
    if let Some(v) = input.default_owner_id {
        plan.default_owner_id = v;
    }
    if let Some(v) = input.customer_intent_id {
        plan.customer_intent_id = v;
    }
    if let Some(v) = input.data_schema_id {
        plan.data_schema_id = v;
    }
    if let Some(v) = input.intake_settings {
        plan.intake_settings = v;
    }
    plan.validate()?;
    Ok(())
}

async fn check_owner(app: &App, owner: Option<&str>) -> Result<()> {
    if let Some(id) = owner
        && app.store.get_user(id).await.is_err()
    {
        return Err(Error::bad_request(
            "defaultCaseOwnerId",
            "no user has this id",
        ));
    }
    Ok(())
}

async fn check_intent(app: &App, caller: &Principal, intent: Option<&str>) -> Result<()> {
    if let Some(id) = intent {
        let _: casefile_domain::intent::Intent =
            documents::load(app, caller, id)
                .await
                .map_err(Error::missing_as(
                    "customerIntentId",
                    "customer intent not found",
                ))?;
    }
    Ok(())
}

#[tracing::instrument(name = "case_management.caseplans.create", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn create(
    app: &App,
    caller: &Principal,
    input: Input,
) -> Result<(Header, caseplan::Version)> {
    let name = input
        .name
        .clone()
        .ok_or_else(|| Error::bad_request("name", "is required"))?;
    let prefix = input
        .reference_prefix
        .clone()
        .ok_or_else(|| Error::bad_request("referencePrefix", "is required"))?;
    let division_id = match input.division_id.as_deref() {
        Some("*") => {
            documents::require(caller, Permission::CaseplanEdit, None)?;
            None
        }
        other => Some(
            crate::app::task::workbins::target_division(
                app,
                caller,
                other.map(str::to_owned),
                Permission::CaseplanEdit,
            )
            .await?,
        ),
    };
    check_owner(app, input.default_owner_id.clone().flatten().as_deref()).await?;
    check_intent(
        app,
        caller,
        input.customer_intent_id.clone().flatten().as_deref(),
    )
    .await?;
    let now = app.clock.now();
    let id = new_id(now);
    let mut plan = caseplan::Version {
        caseplan_id: id.clone(),
        version: 1,
        state: VersionState::Draft,
        name: name.clone(),
        description: None,
        division_id: division_id.clone(),
        reference_prefix: Prefix::parse("referencePrefix", &prefix)?
            .as_str()
            .to_owned(),
        default_due_duration_seconds: None,
        default_ttl_seconds: None,
        default_owner_id: None,
        customer_intent_id: None,
        data_schema_id: None,
        intake_settings: Vec::new(),
        stageplans: Vec::new(),
        date_created: now,
        date_modified: now,
        date_published: None,
        modified_by: Some(caller.subject_id.clone()),
    };
    apply(
        &mut plan,
        Input {
            division_id: None,
            ..input
        },
    )?;
    if let Some(schema_id) = &plan.data_schema_id {
        let _: schema::Version = documents::load(app, caller, schema_id)
            .await
            .map_err(Error::missing_as("dataSchemas", "schema not found"))?;
    }
    let header = Header {
        id,
        name: plan.name.clone(),
        division_id,
        reference_prefix: plan.reference_prefix.clone(),
        latest: 1,
        published: None,
        version: 1,
        date_created: now,
        date_modified: now,
        date_published: None,
    };
    let actor = Actor {
        id: Some(&caller.subject_id),
        at: now,
    };
    let mut batch = Batch::default();
    batch.insert(&header, actor)?;
    batch.insert(&stored(plan.clone(), 1), actor)?;
    batch.commit(app, "caseplan").await?;
    Ok((header, plan))
}

#[tracing::instrument(name = "case_management.caseplans.header", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn header(app: &App, caller: &Principal, id: &str) -> Result<Header> {
    documents::load(app, caller, id).await
}

#[tracing::instrument(name = "case_management.caseplans.version", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn version(app: &App, caller: &Principal, id: &str, v: i64) -> Result<caseplan::Version> {
    let h = header(app, caller, id).await?;
    if v < 1 || v > h.latest {
        return Err(Error::not_found("caseplan version"));
    }
    let s: StoredVersion = documents::load(app, caller, &version_id(id, v)).await?;
    Ok(s.plan)
}

#[tracing::instrument(name = "case_management.caseplans.latest", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn latest(
    app: &App,
    caller: &Principal,
    id: &str,
) -> Result<(Header, caseplan::Version)> {
    let h = header(app, caller, id).await?;
    let v = version(app, caller, id, h.latest).await?;
    Ok((h, v))
}

/// The published version cases are created from.
#[tracing::instrument(name = "case_management.caseplans.published", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn published(
    app: &App,
    caller: &Principal,
    id: &str,
) -> Result<(Header, caseplan::Version)> {
    let h = header(app, caller, id)
        .await
        .map_err(Error::missing_as("caseplanId", "caseplan not found"))?;
    let Some(p) = h.published else {
        return Err(Error::bad_request(
            "caseplanId",
            "the caseplan has no published version",
        ));
    };
    let v = version(app, caller, id, p).await?;
    Ok((h, v))
}

/// Loads the latest version for editing (it must be a draft), lets `change` edit it, and
/// saves version and header together.
#[tracing::instrument(name = "case_management.caseplans.edit_draft", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn edit_draft<F>(
    app: &App,
    caller: &Principal,
    id: &str,
    change: F,
) -> Result<(Header, caseplan::Version)>
where
    F: FnOnce(&mut caseplan::Version) -> Result<()>,
{
    let h: Header = documents::load_for_edit(app, caller, id).await?;
    let current: StoredVersion = documents::load(app, caller, &version_id(id, h.latest)).await?;
    current.plan.require_draft()?;
    let now = app.clock.now();
    let mut plan = current.plan.clone();
    change(&mut plan)?;
    plan.validate()?;
    if h.published.is_some() && plan.reference_prefix != h.reference_prefix {
        return Err(Error::bad_request(
            "referencePrefix",
            "is fixed once the caseplan has been published",
        ));
    }
    plan.date_modified = now;
    plan.modified_by = Some(caller.subject_id.clone());
    let next_version = stored(plan.clone(), current.doc_version + 1);
    let mut next_header = h.clone();
    next_header.name = plan.name.clone();
    next_header.reference_prefix = plan.reference_prefix.clone();
    next_header.version += 1;
    next_header.date_modified = now;
    let actor = Actor {
        id: Some(&caller.subject_id),
        at: now,
    };
    let mut batch = Batch::default();
    batch.update(&current, &next_version, actor)?;
    batch.update(&h, &next_header, actor)?;
    batch.commit(app, "caseplan").await?;
    Ok((next_header, plan))
}

#[tracing::instrument(name = "case_management.caseplans.update", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn update(
    app: &App,
    caller: &Principal,
    id: &str,
    input: Input,
) -> Result<(Header, caseplan::Version)> {
    if input.division_id.is_some() {
        return Err(Error::bad_request(
            "divisionId",
            "a caseplan's division cannot change",
        ));
    }
    check_owner(app, input.default_owner_id.clone().flatten().as_deref()).await?;
    check_intent(
        app,
        caller,
        input.customer_intent_id.clone().flatten().as_deref(),
    )
    .await?;
    if let Some(Some(schema_id)) = &input.data_schema_id {
        let _: schema::Version = documents::load(app, caller, schema_id)
            .await
            .map_err(Error::missing_as("dataSchemas", "schema not found"))?;
    }
    edit_draft(app, caller, id, |plan| apply(plan, input)).await
}

pub fn new_stageplan(name: &str, description: Option<String>, now: Timestamp) -> Result<Stageplan> {
    let name = caseplan::name("name", name)?;
    Ok(Stageplan {
        id: new_id(now),
        name: name.clone(),
        description: caseplan::description("description", description.as_deref())?,
        stepplan: Stepplan {
            id: new_id(now),
            name,
            description: None,
            activity_type: ActivityType::None,
            worktype_id: None,
            date_created: now,
            date_modified: now,
        },
        date_created: now,
        date_modified: now,
    })
}

/// Checks a worktype may serve as a stage's activity: visible, in the caseplan's division,
/// and built on the caseplan's schema.
#[tracing::instrument(name = "case_management.caseplans.check_worktype", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn check_worktype(
    app: &App,
    caller: &Principal,
    plan: &caseplan::Version,
    worktype_id: &str,
) -> Result<()> {
    let field = "workitemSettings.worktypeId";
    let w: Worktype = documents::load(app, caller, worktype_id)
        .await
        .map_err(Error::missing_as(field, "worktype not found"))?;
    if let Some(d) = &plan.division_id
        && &w.division_id != d
    {
        return Err(Error::bad_request(
            field,
            "the worktype must be in the caseplan's division",
        ));
    }
    if let Some(schema) = &plan.data_schema_id
        && w.schema_id.as_ref() != Some(schema)
    {
        return Err(Error::bad_request(
            field,
            "the worktype must use the caseplan's data schema",
        ));
    }
    Ok(())
}

/// Publishes the latest draft after checking it is complete.
#[tracing::instrument(name = "case_management.caseplans.publish", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn publish(
    app: &App,
    caller: &Principal,
    id: &str,
) -> Result<(Header, caseplan::Version)> {
    let h: Header = documents::load_for_edit(app, caller, id).await?;
    let current: StoredVersion = documents::load(app, caller, &version_id(id, h.latest)).await?;
    current.plan.require_draft()?;
    if let Some(problem) = current.plan.publish_problems().into_iter().next() {
        return Err(problem.into());
    }
    let plan = &current.plan;
    for (i, s) in plan.stageplans.iter().enumerate() {
        if let Some(w) = &s.stepplan.worktype_id {
            check_worktype(app, caller, plan, w)
                .await
                .map_err(|e| e.under(&format!("stageplans[{i}].stepplan.")))?;
        }
    }
    if let Some(schema_id) = &plan.data_schema_id {
        let latest = schemas::latest_version(app, caller, schema_id)
            .await
            .map_err(Error::missing_as("dataSchemas", "schema not found"))?;
        let def = schemas::definition(app, caller, schema_id, latest).await?;
        for (i, s) in plan.intake_settings.iter().enumerate() {
            if def.attribute(&s.property).is_none() {
                return Err(Error::bad_request(
                    format!("intakeSettings[{i}].property"),
                    format!("{:?} is not a property of the data schema", s.property),
                ));
            }
        }
    }
    let now = app.clock.now();
    let mut published = current.plan.clone();
    published.state = VersionState::Published;
    published.date_published = Some(now);
    published.date_modified = now;
    let next_version = stored(published.clone(), current.doc_version + 1);
    let mut next_header = h.clone();
    next_header.published = Some(published.version);
    next_header.date_published = Some(now);
    next_header.version += 1;
    next_header.date_modified = now;
    let actor = Actor {
        id: Some(&caller.subject_id),
        at: now,
    };
    let mut batch = Batch::default();
    batch.update(&current, &next_version, actor)?;
    batch.update(&h, &next_header, actor)?;
    batch.commit(app, "caseplan").await?;
    Ok((next_header, published))
}

/// A new draft copied from the latest (published) version.
#[tracing::instrument(name = "case_management.caseplans.new_version", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn new_version(
    app: &App,
    caller: &Principal,
    id: &str,
) -> Result<(Header, caseplan::Version)> {
    let h: Header = documents::load_for_edit(app, caller, id).await?;
    let current: StoredVersion = documents::load(app, caller, &version_id(id, h.latest)).await?;
    if current.plan.state == VersionState::Draft {
        return Err(Error::bad_request(
            "caseplanId",
            "the latest version is still a draft: edit or publish it",
        ));
    }
    let now = app.clock.now();
    let draft = current
        .plan
        .next_draft(h.latest + 1, Some(caller.subject_id.clone()), now);
    let mut next_header = h.clone();
    next_header.latest = draft.version;
    next_header.version += 1;
    next_header.date_modified = now;
    let actor = Actor {
        id: Some(&caller.subject_id),
        at: now,
    };
    let mut batch = Batch::default();
    batch.insert(&stored(draft.clone(), 1), actor)?;
    batch.update(&h, &next_header, actor)?;
    batch.commit(app, "caseplan").await?;
    Ok((next_header, draft))
}

/// Deletes a caseplan that no case was created from.
#[tracing::instrument(name = "case_management.caseplans.delete", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn delete(app: &App, caller: &Principal, id: &str) -> Result<()> {
    let h: Header = documents::load_for_edit(app, caller, id).await?;
    if app.store.caseplan_has_cases(id).await? {
        return Err(Error::conflict(
            "cases were created from this caseplan; it cannot be deleted",
        ));
    }
    let mut batch = Batch::default();
    batch.delete(
        &h,
        Actor {
            id: Some(&caller.subject_id),
            at: app.clock.now(),
        },
    )?;
    batch.commit(app, "caseplan").await
}
