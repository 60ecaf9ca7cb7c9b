//! Records the store reads and writes that are not domain types of their own.

use casefile_domain::Timestamp;
use casefile_domain::authz::{Divisions, Grant};
use casefile_domain::user::{State, User};

/// Result of a health check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub applied_migrations: i64,
    pub known_migrations: i64,
}

impl Health {
    pub fn is_ready(&self) -> bool {
        self.applied_migrations == self.known_migrations
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub home: bool,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
}

#[derive(Debug, Clone)]
pub struct DivisionFilter {
    pub visible: Divisions,
    pub ids: Option<Vec<String>>,
    pub name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UserFilter {
    pub visible: Divisions,
    pub ids: Option<Vec<String>>,
    pub state: Option<State>,
    pub descending: bool,
}

/// 1-based page number and page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub size: i64,
}

impl Page {
    pub fn offset(&self) -> i64 {
        (self.number - 1).max(0) * self.size
    }
}

#[derive(Debug, Clone)]
pub struct Listing<T> {
    pub entities: Vec<T>,
    pub total: i64,
}

/// A user to create, with the secret and grants that are stored beside it.
#[derive(Debug, Clone)]
pub struct NewUserRecord<'a> {
    pub user: &'a User,
    pub password_hash: Option<&'a str>,
    pub grants: &'a [Grant],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClient {
    pub id: String,
    pub name: String,
    pub secret_hash: String,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
}

/// An issued access token, stored by the hash of its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub token_hash: String,
    pub client_id: String,
    pub user_id: Option<String>,
    pub issued_at: Timestamp,
    pub expires_at: Timestamp,
}

/// The audit record of one mutation: written in the mutation's transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub entity_type: &'static str,
    pub entity_id: String,
    /// The entity's version after the change (gap-free per entity).
    pub version: i64,
    pub kind: &'static str,
    pub actor_id: Option<String>,
    pub at: Timestamp,
    /// Not stored for workitems and cases past version 1: their `before` is the previous
    /// version's `after`, and reads fill it in (so writers may leave it `None`).
    pub before: Option<Snapshot>,
    pub after: Option<Snapshot>,
}

/// An entity's JSON as an event records it: serialised once, straight from the entity (no
/// intermediate `serde_json::Value`), and cheap to clone while the change travels to the
/// writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot(std::sync::Arc<str>);

impl Snapshot {
    pub fn of<T: serde::Serialize + ?Sized>(entity: &T) -> serde_json::Result<Self> {
        Ok(Self(serde_json::to_string(entity)?.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<serde_json::Value> for Snapshot {
    fn from(value: serde_json::Value) -> Self {
        Self(value.to_string().into())
    }
}

/// A message to deliver after the mutation commits (never before, never if it rolls back).
#[derive(Debug, Clone, PartialEq)]
pub struct NewOutbox {
    pub topic: String,
    pub payload: serde_json::Value,
    pub available_at: Timestamp,
}

/// What a mutation records besides the entity itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub event: NewEvent,
    pub outbox: Vec<NewOutbox>,
}

impl Change {
    pub fn event(event: NewEvent) -> Self {
        Self {
            event,
            outbox: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub seq: i64,
    pub entity_type: String,
    pub entity_id: String,
    pub version: i64,
    pub kind: String,
    pub actor_id: Option<String>,
    pub at: Timestamp,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// A configuration object stored as a JSON document (schemas, workbins, worktypes,
/// statuses, intents, jobs, …). `data` is the object's storage form; the other fields are
/// the columns its constraints and lookups need.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub kind: &'static str,
    pub id: String,
    pub division_id: Option<String>,
    /// The owning object (a status's worktype); names are unique per kind and parent.
    pub parent_id: Option<String>,
    pub name: String,
    /// Objects this one refers to; they cannot be deleted while referenced.
    pub refs: Vec<String>,
    pub version: i64,
    pub data: serde_json::Value,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
}

/// One document write inside a batch that commits or fails as a whole.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentWrite {
    Insert(Document),
    Update {
        document: Document,
        expected_version: i64,
    },
    /// Deletes the document and its children; refused with `Conflict { constraint: "in_use" }`
    /// while another document or a workitem refers to any of them.
    Delete {
        kind: &'static str,
        id: String,
    },
}

#[derive(Debug, Clone)]
pub struct DocumentFilter {
    /// Documents without a division are visible to everyone who may list the kind.
    pub visible: Divisions,
    pub parent_id: Option<String>,
    pub name: Option<String>,
}

/// A workitem attribute a query can filter on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WorkitemField {
    Id,
    Name,
    WorkbinId,
    TypeId,
    StatusId,
    StatusCategory,
    AssigneeId,
    QueueId,
    ExternalContactId,
    CaseId,
    DivisionId,
    Priority,
    DateCreated,
    DateModified,
    DateDue,
    DateClosed,
    /// Any other attribute kept in the document, by its storage name (`language_id`).
    Stored(String),
    /// `customFields.<name>`; the name is checked to be `[a-z0-9_]+` before it gets here.
    Custom(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FilterOp {
    Eq,
    Neq,
    Gt,
    Lt,
    Gte,
    Lte,
    In,
    Contains,
    Between,
    BeginsWith,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum FilterValue {
    Text(String),
    Int(i64),
    Number(f64),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WorkitemFilter {
    pub field: WorkitemField,
    pub op: FilterOp,
    pub values: Vec<FilterValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum WorkitemSort {
    DateDue,
    Priority,
    DateCreated,
}

/// Sort key for workitems without a due date: after every real one.
pub const NO_DUE_DATE: i64 = 253_402_300_799_000; // 9999-12-31T23:59:59Z

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WorkitemQuery {
    pub visible: Divisions,
    pub filters: Vec<WorkitemFilter>,
    pub sort: WorkitemSort,
    pub ascending: bool,
    /// Resume after this (sort value, id).
    pub after: Option<(i64, String)>,
    pub limit: i64,
}

impl WorkitemQuery {
    /// The value of the query's sort column for `w`, for the next page's cursor.
    pub fn sort_key(&self, w: &casefile_domain::task::workitem::Workitem) -> i64 {
        match self.sort {
            WorkitemSort::DateDue => w
                .date_due
                .map(|d| d.timestamp_millis())
                .unwrap_or(NO_DUE_DATE),
            WorkitemSort::Priority => w.priority,
            WorkitemSort::DateCreated => w.date_created.timestamp_millis(),
        }
    }
}
