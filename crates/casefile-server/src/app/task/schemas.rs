//! Workitem schemas: versioned JSON-schema documents of custom attributes. Every update
//! makes a new version; earlier versions stay readable (from their events) because
//! worktypes and workitems pin the version they were made with.

use casefile_domain::Timestamp;
use casefile_domain::authz::{Permission, Principal};
use casefile_domain::schema;

use serde_json::Value;
use std::sync::Arc;

use super::documents::{self, Batch, Stored};
use crate::app::error::{Error, Result};
use crate::app::{Actor, App, new_id};

impl Stored for schema::Version {
    const KIND: &'static str = "schema";
    const WHAT: &'static str = "schema";
    const VIEW: Permission = Permission::SchemaView;
    const EDIT: Permission = Permission::SchemaEdit;
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn division_id(&self) -> Option<&str> {
        None
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

fn check_name(name: &str) -> Result<String> {
    Ok(casefile_domain::invalid::required_text(
        "name", name, 1, 256,
    )?)
}

fn parse(json_schema: &Value) -> Result<schema::Definition> {
    Ok(schema::parse(json_schema)?)
}

#[tracing::instrument(name = "task.schemas.create", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn create(
    app: &App,
    caller: &Principal,
    name: &str,
    json_schema: Value,
    enabled: bool,
) -> Result<schema::Version> {
    documents::require(caller, Permission::SchemaEdit, None)?;
    let name = check_name(name)?;
    parse(&json_schema)?;
    if app.store.count_documents(schema::Version::KIND).await? >= schema::MAX_SCHEMAS as i64 {
        return Err(Error::bad_request(
            "name",
            format!(
                "an organisation has at most {} schemas",
                schema::MAX_SCHEMAS
            ),
        ));
    }
    let now = app.clock.now();
    let s = schema::Version {
        id: new_id(now),
        name,
        version: 1,
        enabled,
        json_schema,
        created_by: Some(caller.subject_id.clone()),
        date_created: now,
        date_modified: now,
    };
    let mut batch = Batch::default();
    batch.insert(
        &s,
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
    )?;
    batch.commit(app, "schema").await?;
    Ok(s)
}

/// A new version; `version` must be the current one.
#[tracing::instrument(name = "task.schemas.update", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn update(
    app: &App,
    caller: &Principal,
    id: &str,
    version: Option<i64>,
    name: Option<&str>,
    json_schema: Option<Value>,
    enabled: Option<bool>,
) -> Result<schema::Version> {
    let current: schema::Version = documents::load_for_edit(app, caller, id).await?;
    let version = version.ok_or_else(|| {
        Error::bad_request("version", "is required: send the schema's current version")
    })?;
    if version != current.version {
        return Err(Error::version_mismatch(current.version));
    }
    let mut next = current.clone();
    if let Some(name) = name {
        next.name = check_name(name)?;
    }
    if let Some(json) = json_schema {
        parse(&json)?;
        next.json_schema = json;
    }
    if let Some(enabled) = enabled {
        next.enabled = enabled;
    }
    let now = app.clock.now();
    next.version += 1;
    next.date_created = now;
    next.date_modified = now;
    next.created_by = Some(caller.subject_id.clone());
    let mut batch = Batch::default();
    batch.update(
        &current,
        &next,
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
    )?;
    batch.commit(app, "schema").await?;
    Ok(next)
}

#[tracing::instrument(name = "task.schemas.delete", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn delete(app: &App, caller: &Principal, id: &str) -> Result<()> {
    let current: schema::Version = documents::load_for_edit(app, caller, id).await?;
    let mut batch = Batch::default();
    batch.delete(
        &current,
        Actor {
            id: Some(&caller.subject_id),
            at: app.clock.now(),
        },
    )?;
    batch.commit(app, "schema").await
}

#[tracing::instrument(name = "task.schemas.latest_version", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn latest_version(app: &App, caller: &Principal, id: &str) -> Result<i64> {
    let s: schema::Version = documents::load(app, caller, id).await?;
    if !s.enabled {
        return Err(Error::bad_request("schemaId", "the schema is disabled"));
    }
    Ok(s.version)
}

/// One version of a schema, read from the event that made it.
#[tracing::instrument(name = "task.schemas.version", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn version(
    app: &App,
    caller: &Principal,
    id: &str,
    version: i64,
) -> Result<schema::Version> {
    let latest: schema::Version = documents::load(app, caller, id).await?;
    if version == latest.version {
        return Ok(latest);
    }
    let event = match app
        .store
        .event_at_version(schema::Version::KIND, id, version)
        .await
    {
        Ok(e) => e,
        Err(casefile_store::Error::NotFound) => return Err(Error::not_found("schema version")),
        Err(e) => return Err(e.into()),
    };
    let after = event
        .after
        .ok_or_else(|| Error::not_found("schema version"))?;
    documents::from_value(after)
}

#[tracing::instrument(name = "task.schemas.versions", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn versions(app: &App, caller: &Principal, id: &str) -> Result<Vec<schema::Version>> {
    let _: schema::Version = documents::load(app, caller, id).await?;
    let events = app.store.events(schema::Version::KIND, id).await?;
    events
        .into_iter()
        .filter_map(|e| e.after)
        .map(documents::from_value)
        .collect()
}

/// The parsed definition workitems of this schema version are validated against. A version
/// never changes once written, so its parse is cached for as long as the process runs.
#[tracing::instrument(name = "task.schemas.definition", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn definition(
    app: &App,
    caller: &Principal,
    id: &str,
    v: i64,
) -> Result<Arc<schema::Definition>> {
    if let Some(def) = app.caches.schema(id, v) {
        // Still the caller's to see (a cheap, cached document load).
        let _: schema::Version = documents::load(app, caller, id).await?;
        return Ok(def);
    }
    let s = version(app, caller, id, v).await?;
    let def = Arc::new(parse(&s.json_schema)?);
    app.caches.keep_schema(id, v, Arc::clone(&def));
    Ok(def)
}
