//! A unit of work: writes across cases and workitems that commit or fail together — how the
//! case engine moves a case and its workitems in one transaction.

use casefile_domain::case::engine::Case;
use casefile_domain::task::workitem::Workitem;

use casefile_domain::authz::Grant;
use casefile_domain::contact::{Contact, Note};
use casefile_domain::user::User;

use crate::{Change, Division, DocumentWrite, NewEvent, OAuthClient};

/// A write of an entity with its own table outside the case engine (divisions, users and
/// their grants, OAuth clients, contacts and their notes), as one entry of a unit of work.
/// Updates and deletes that carry `expected` are guarded by that version.
#[derive(Debug, Clone)]
pub enum EntityWrite {
    DivisionInsert(Division),
    DivisionUpdate {
        division: Division,
        expected: i64,
    },
    DivisionDelete {
        id: String,
    },
    UserInsert {
        user: User,
        password_hash: Option<String>,
        grants: Vec<Grant>,
    },
    /// `grants` replaces the user's grants when given.
    UserUpdate {
        user: User,
        expected: i64,
        grants: Option<Vec<Grant>>,
    },
    UserPassword {
        user: User,
        expected: i64,
        hash: String,
    },
    ClientUpsert {
        client: OAuthClient,
        grants: Vec<Grant>,
    },
    ContactInsert(Contact),
    ContactUpdate {
        contact: Contact,
        expected: i64,
    },
    ContactDelete {
        id: String,
        expected: i64,
    },
    NoteInsert(Note),
    NoteUpdate {
        note: Note,
        expected: i64,
    },
    NoteDelete {
        contact_id: String,
        id: String,
    },
}

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
    /// Divisions, users, clients, contacts and notes, written in order.
    pub entities: Vec<EntityWrite>,
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
