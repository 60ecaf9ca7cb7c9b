//! A unit of work: writes across cases and workitems that commit or fail together — how the
//! case engine moves a case and its workitems in one transaction.

use casefile_domain::case::engine::Case;
use casefile_domain::task::workitem::Workitem;

use crate::{Change, DocumentWrite, NewEvent};

/// A case to create. Its reference is numbered inside the transaction (`prefix-000042`) and
/// written into the case and into `event`'s after-snapshot.
#[derive(Debug, Clone)]
pub struct CaseInsert {
    pub case: Case,
    pub prefix: String,
    pub event: NewEvent,
}

/// Everything one change writes — entities, their events — committed in one transaction by
/// [`crate::Store::commit_unit`], the one write verb for cases, workitems and documents.
#[derive(Debug, Clone, Default)]
pub struct UnitOfWork {
    pub case_insert: Option<CaseInsert>,
    /// Each case with the version it must still have.
    pub case_updates: Vec<(Case, i64)>,
    pub workitem_inserts: Vec<Workitem>,
    pub workitem_updates: Vec<(Workitem, i64)>,
    /// Each workitem to delete, with the version it must still have.
    pub workitem_deletes: Vec<(String, i64)>,
    pub documents: Vec<DocumentWrite>,
    pub changes: Vec<Change>,
}

/// A case attribute a query can filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CaseColumn {
    CaseplanId,
    OwnerId,
    Status,
    Priority,
    DateDue,
    ExternalContactId,
    CustomerIntentId,
    DateCreated,
    DivisionId,
    Reference,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CaseFilter {
    pub column: CaseColumn,
    pub op: crate::FilterOp,
    pub values: Vec<crate::FilterValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CaseSort {
    DateCreated,
    DateModified,
    DateDue,
    Priority,
}

/// A page of a case query. Division-less cases are visible to whoever may view cases at all.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CaseQuery {
    pub visible: casefile_domain::authz::Divisions,
    pub filters: Vec<CaseFilter>,
    pub sort: CaseSort,
    pub ascending: bool,
    pub offset: i64,
    pub limit: i64,
}
