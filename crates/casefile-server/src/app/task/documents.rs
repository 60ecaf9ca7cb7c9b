//! The shared write and read path of objects kept as documents (workbins, worktypes,
//! statuses, schemas, …): load with division visibility, write with events, map conflicts.

use casefile_domain::Timestamp;
use casefile_domain::authz::{Divisions, Permission, Principal};
use casefile_store::{Change, Document, DocumentFilter, DocumentWrite, Error as StoreError};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::app::error::{Error, Result};
use crate::app::{Actor, App, change, snapshot};

/// An object stored as a document. `KIND` is also its event entity type.
pub trait Stored: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    const KIND: &'static str;
    /// How errors name it ("workbin").
    const WHAT: &'static str;
    const VIEW: Permission;
    const EDIT: Permission;
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    fn division_id(&self) -> Option<&str>;
    fn parent_id(&self) -> Option<&str> {
        None
    }
    fn refs(&self) -> Vec<String> {
        Vec::new()
    }
    fn version(&self) -> i64;
    fn date_created(&self) -> Timestamp;
    fn date_modified(&self) -> Timestamp;
}

pub fn to_document<T: Stored>(t: &T) -> Result<Document> {
    Ok(Document {
        kind: T::KIND,
        id: t.id().to_owned(),
        division_id: t.division_id().map(str::to_owned),
        parent_id: t.parent_id().map(str::to_owned),
        name: t.name().to_owned(),
        refs: t.refs(),
        version: t.version(),
        data: serde_json::to_value(t).map_err(|e| Error::internal(e.into()))?,
        date_created: t.date_created(),
        date_modified: t.date_modified(),
    })
}

pub fn from_value<T: Stored>(value: serde_json::Value) -> Result<T> {
    serde_json::from_value(value)
        .map_err(|e| Error::internal(anyhow::anyhow!("corrupt {} document: {e}", T::KIND)))
}

/// May the caller see objects of this division (or division-less objects)?
pub fn visible(caller: &Principal, permission: Permission, division_id: Option<&str>) -> bool {
    match division_id {
        Some(d) => caller.can(permission, d),
        None => caller.divisions_with(permission) != Divisions::Only(Vec::new()),
    }
}

/// The object if it exists and the caller may see it; 404 otherwise.
#[tracing::instrument(name = "task.documents.load", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn load<T: Stored>(app: &App, caller: &Principal, id: &str) -> Result<T> {
    let now = app.clock.now();
    let t: T = match app.caches.document(T::KIND, id, now) {
        Some(t) => t,
        None => {
            let ticket = app.caches.document_ticket();
            match app.store.get_document(T::KIND, id).await {
                Ok(d) => {
                    let t: T = from_value(d.data)?;
                    app.caches
                        .keep_document(T::KIND, id, t.clone(), now, ticket);
                    t
                }
                Err(StoreError::NotFound) => return Err(Error::not_found(T::WHAT)),
                Err(e) => return Err(e.into()),
            }
        }
    };
    if !visible(caller, T::VIEW, t.division_id()) {
        return Err(Error::not_found(T::WHAT));
    }
    Ok(t)
}

/// Like [`load`], and the caller must also hold `T::EDIT` there (403 if not).
#[tracing::instrument(name = "task.documents.load_for_edit", level = "debug", skip_all, fields(caller = %caller.subject_id, id = %id))]
pub async fn load_for_edit<T: Stored>(app: &App, caller: &Principal, id: &str) -> Result<T> {
    let t: T = load(app, caller, id).await?;
    require(caller, T::EDIT, t.division_id())?;
    Ok(t)
}

pub fn require(
    caller: &Principal,
    permission: Permission,
    division_id: Option<&str>,
) -> Result<()> {
    if visible(caller, permission, division_id) {
        Ok(())
    } else {
        Err(Error::forbidden(permission))
    }
}

#[tracing::instrument(name = "task.documents.list", level = "debug", skip_all, fields(caller = %caller.subject_id))]
pub async fn list<T: Stored>(
    app: &App,
    caller: &Principal,
    parent_id: Option<&str>,
) -> Result<Vec<T>> {
    let visible = caller.divisions_with(T::VIEW);
    if visible == Divisions::Only(Vec::new()) {
        // Division-less objects are visible to whoever holds the view permission somewhere
        // (as `visible` decides for one), so a caller without it anywhere sees nothing.
        return Ok(Vec::new());
    }
    let filter = DocumentFilter {
        visible,
        parent_id: parent_id.map(str::to_owned),
        name: None,
    };
    let documents = app.store.list_documents(T::KIND, &filter).await?;
    documents.into_iter().map(|d| from_value(d.data)).collect()
}

/// Writes that commit together, each with its event.
#[derive(Default)]
pub struct Batch {
    writes: Vec<DocumentWrite>,
    changes: Vec<Change>,
}

impl Batch {
    pub fn insert<T: Stored>(&mut self, t: &T, actor: Actor<'_>) -> Result<()> {
        let kind = created_kind(T::KIND);
        self.changes.push(change(
            T::KIND,
            t.id(),
            t.version(),
            kind,
            actor,
            None,
            Some(snapshot(t)?),
        ));
        self.writes.push(DocumentWrite::Insert(to_document(t)?));
        Ok(())
    }

    pub fn update<T: Stored>(&mut self, before: &T, after: &T, actor: Actor<'_>) -> Result<()> {
        let kind = updated_kind(T::KIND);
        self.changes.push(change(
            T::KIND,
            after.id(),
            after.version(),
            kind,
            actor,
            Some(snapshot(before)?),
            Some(snapshot(after)?),
        ));
        self.writes.push(DocumentWrite::Update {
            document: to_document(after)?,
            expected_version: before.version(),
        });
        Ok(())
    }

    pub fn delete<T: Stored>(&mut self, t: &T, actor: Actor<'_>) -> Result<()> {
        let kind = deleted_kind(T::KIND);
        self.changes.push(change(
            T::KIND,
            t.id(),
            t.version() + 1,
            kind,
            actor,
            Some(snapshot(t)?),
            None,
        ));
        self.writes.push(DocumentWrite::Delete {
            kind: T::KIND,
            id: t.id().to_owned(),
        });
        Ok(())
    }

    /// Commits; a duplicate name is a 400 on `name`, a referenced object a 409.
    pub async fn commit(self, app: &App, what: &str) -> Result<()> {
        let unit = casefile_store::UnitOfWork {
            documents: self.writes,
            changes: self.changes,
            ..casefile_store::UnitOfWork::default()
        };
        let result = app.commit(&unit).await.map(|_| ());
        match result {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict { constraint }) if constraint == "in_use" => Err(
                Error::conflict(format!("the {what} is in use and cannot be deleted")),
            ),
            Err(StoreError::Conflict { constraint }) if constraint.contains("name") => Err(
                Error::bad_request("name", format!("a {what} with this name already exists")),
            ),
            Err(StoreError::Conflict { constraint }) if constraint.contains("events") => {
                Err(Error::conflict(format!(
                    "the {what} was changed at the same time; read it again"
                )))
            }
            Err(e) => Err(e.into()),
        }
    }
}

macro_rules! event_kinds {
    ($($kind:literal),*) => {
        fn created_kind(kind: &str) -> &'static str {
            match kind { $($kind => concat!($kind, ".created"),)* _ => "document.created" }
        }
        fn updated_kind(kind: &str) -> &'static str {
            match kind { $($kind => concat!($kind, ".updated"),)* _ => "document.updated" }
        }
        fn deleted_kind(kind: &str) -> &'static str {
            match kind { $($kind => concat!($kind, ".deleted"),)* _ => "document.deleted" }
        }
    };
}

event_kinds!(
    "workbin",
    "worktype",
    "status",
    "schema",
    "intent",
    "intent_category",
    "job",
    "caseplan",
    "caseplan_version",
    "comment",
    "association",
    "intent_assignment"
);
