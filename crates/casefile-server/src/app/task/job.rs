//! A background job as stored: a document (kind `job`) with its request, the principal it
//! runs as, its state, its lease and its results. What runs it is `jobs` and `job_lease`.

use casefile_domain::Timestamp;
use casefile_domain::authz::{DivisionScope, Grant, Permission, Principal, Role, SubjectKind};
use casefile_domain::task::workitem::Draft;
use casefile_store::WorkitemQuery;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::documents::Stored;

/// The item a bulk job was working on when it last wrote, and that item's version then:
/// after a crash, an effect on it newer than that version by the job's owner is the job's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlight {
    pub index: usize,
    pub version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    QueryWorkitems,
    AddWorkitems,
    TerminateWorkitems,
    TerminateCase,
    QueryCases,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    Queued,
    Running,
    Succeeded,
    Failed,
    Terminated,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "Queued",
            State::Running => "Running",
            State::Succeeded => "Succeeded",
            State::Failed => "Failed",
            State::Terminated => "Terminated",
        }
    }

    pub fn finished(self) -> bool {
        matches!(self, State::Succeeded | State::Failed | State::Terminated)
    }
}

/// The principal a job runs as, kept with the job so a restart does not widen its rights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Owner {
    pub subject_id: String,
    pub user: bool,
    pub client_id: String,
    pub grants: Vec<(String, String)>,
}

impl Owner {
    pub fn of(p: &Principal) -> Owner {
        Owner {
            subject_id: p.subject_id.clone(),
            user: p.kind == SubjectKind::User,
            client_id: p.client_id.clone(),
            grants: p
                .grants
                .iter()
                .map(|g| (g.role.id().to_owned(), g.scope.as_str().to_owned()))
                .collect(),
        }
    }

    pub fn principal(&self) -> Principal {
        Principal {
            subject_id: self.subject_id.clone(),
            kind: if self.user {
                SubjectKind::User
            } else {
                SubjectKind::Client
            },
            client_id: self.client_id.clone(),
            grants: self
                .grants
                .iter()
                .filter_map(|(role, scope)| {
                    Some(Grant {
                        role: Role::parse(role)?,
                        scope: DivisionScope::parse(scope),
                    })
                })
                .collect(),
        }
    }
}

/// One item's outcome in a bulk job: the workitem's id, or the error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub id: Option<String>,
    pub name: Option<String>,
    pub workbin_id: Option<String>,
    pub type_id: Option<String>,
    pub error: Option<(String, String)>,
}

/// A bulk-add entry as the API parsed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddEntry {
    /// Assigned at submission, so a job resumed after a crash does not add an item twice.
    pub id: String,
    pub type_id: String,
    pub draft: StoredDraft,
}

/// `Draft` in storage form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StoredDraft {
    pub name: String,
    pub description: Option<String>,
    pub workbin_id: Option<String>,
    pub status_id: Option<String>,
    pub priority: Option<i64>,
    pub date_due: Option<Timestamp>,
    pub date_expires: Option<Timestamp>,
    pub duration_seconds: Option<i64>,
    pub ttl: Option<i64>,
    pub assignee_id: Option<String>,
    pub queue_id: Option<String>,
    pub language_id: Option<String>,
    pub external_contact_id: Option<String>,
    pub external_tag: Option<String>,
    pub skill_ids: Option<Vec<String>>,
    pub script_id: Option<String>,
    pub auto_status_transition: Option<bool>,
    pub custom_fields: serde_json::Map<String, Value>,
}

impl From<StoredDraft> for Draft {
    fn from(d: StoredDraft) -> Draft {
        Draft {
            name: d.name,
            description: d.description,
            workbin_id: d.workbin_id,
            status_id: d.status_id,
            priority: d.priority,
            date_due: d.date_due,
            date_expires: d.date_expires,
            duration_seconds: d.duration_seconds,
            ttl: d.ttl,
            assignee_id: d.assignee_id,
            queue_id: d.queue_id,
            language_id: d.language_id,
            external_contact_id: d.external_contact_id,
            external_tag: d.external_tag,
            case_id: None,
            skill_ids: d.skill_ids,
            preferred_agent_ids: Vec::new(),
            script_id: d.script_id,
            auto_status_transition: d.auto_status_transition,
            custom_fields: d.custom_fields,
        }
    }
}

/// What a job does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// The query, and the page of its results to keep (1-based).
    Query {
        query: QuerySpec,
        page_number: i64,
    },
    Add(Vec<AddEntry>),
    Terminate(Vec<String>),
    TerminateCase(String),
    QueryCases {
        query: casefile_store::CaseQuery,
        page_number: i64,
    },
}

/// A workitem query as the API parsed it; divisions are set from the owner when it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuerySpec {
    pub query: WorkitemQuery,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub kind: Kind,
    pub state: State,
    pub owner: Owner,
    pub request: Request,
    pub total_count: i64,
    pub successful_count: i64,
    pub failed_count: i64,
    /// Query jobs: the ids of the requested page; bulk jobs: one result per entry.
    pub result_ids: Vec<String>,
    pub results: Vec<ItemResult>,
    pub error: Option<(String, String)>,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub date_started: Option<Timestamp>,
    pub date_finished: Option<Timestamp>,
    /// The node that holds (or last held) the job, and until when its lease lasts.
    #[serde(default)]
    pub node: Option<String>,
    #[serde(default)]
    pub lease_until: Option<Timestamp>,
    /// How many times a node claimed it: 1, plus one per resumption after a node died.
    #[serde(default)]
    pub claims: i64,
    /// A bulk job's item whose effect may have happened without being recorded yet.
    #[serde(default)]
    pub in_flight: Option<InFlight>,
}

impl Stored for Job {
    const KIND: &'static str = "job";
    const WHAT: &'static str = "job";
    const VIEW: Permission = Permission::WorkitemView;
    const EDIT: Permission = Permission::WorkitemView;
    fn id(&self) -> &str {
        &self.id
    }
    /// Names must be unique per kind: the id is.
    fn name(&self) -> &str {
        &self.id
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
