//! Durable background jobs over workitems: query jobs, bulk add and bulk terminate.
//!
//! A job is a document (kind `job`) holding its request, the principal it runs as, its state
//! and its results. Creating one also starts it on a task; the jobs worker picks up any job
//! still `Queued` or `Running` (after a restart, say). Claiming is a versioned update, so a
//! job runs once even when both try.

use casefile_domain::Timestamp;
use casefile_domain::authz::{DivisionScope, Grant, Permission, Principal, Role, SubjectKind};
use casefile_domain::task::workitem::{Draft, Workitem};
use casefile_store::{Change, WorkitemQuery};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::documents::{self, Batch, Stored};
use super::workitems;
use crate::app::error::{Error, Result};
use crate::app::{Actor, App, new_id};

pub const BULK_MAX: usize = 50;
/// Finished jobs are kept this long for their results.
pub const RETENTION_HOURS: i64 = 24;

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
    fn of(p: &Principal) -> Owner {
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

    fn principal(&self) -> Principal {
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

/// Creates a job and starts it.
pub async fn submit(app: &App, caller: &Principal, kind: Kind, request: Request) -> Result<Job> {
    let job = submit_without_starting(app, caller, kind, request).await?;
    let (app2, id) = (app.clone(), job.id.clone());
    tokio::spawn(async move {
        if let Err(e) = run(&app2, &id).await {
            tracing::warn!(job_id = %id, error = %e, "job failed to run");
        }
    });
    Ok(job)
}

/// Stores a queued job; the jobs worker (or [`run`]) runs it.
pub async fn submit_without_starting(
    app: &App,
    caller: &Principal,
    kind: Kind,
    request: Request,
) -> Result<Job> {
    let total = match &request {
        Request::Query { .. } => 0,
        Request::Add(entries) => entries.len() as i64,
        Request::Terminate(ids) => ids.len() as i64,
        Request::TerminateCase(_) => 1,
        Request::QueryCases { .. } => 0,
    };
    let now = app.clock.now();
    let job = Job {
        id: new_id(now),
        kind,
        state: State::Queued,
        owner: Owner::of(caller),
        request,
        total_count: total,
        successful_count: 0,
        failed_count: 0,
        result_ids: Vec::new(),
        results: Vec::new(),
        error: None,
        version: 1,
        date_created: now,
        date_modified: now,
        date_started: None,
        date_finished: None,
    };
    let mut batch = Batch::default();
    batch.insert(
        &job,
        Actor {
            id: Some(&caller.subject_id),
            at: now,
        },
    )?;
    batch.commit(app, "job").await?;
    Ok(job)
}

/// The job, if the caller owns it (jobs of others answer 404).
pub async fn get(app: &App, caller: &Principal, id: &str, kind: Kind) -> Result<Job> {
    let job: Job = documents::load(app, caller, id).await?;
    if job.owner.subject_id != caller.subject_id || job.kind != kind {
        return Err(Error::not_found("job"));
    }
    Ok(job)
}

async fn save(app: &App, before: &Job, after: &Job) -> Result<()> {
    let mut batch = Batch::default();
    batch.update(
        before,
        after,
        Actor {
            id: None,
            at: after.date_modified,
        },
    )?;
    batch.commit(app, "job").await
}

/// Cancels a job that has not finished (`PATCH … {state: Terminated}`).
pub async fn terminate(app: &App, caller: &Principal, id: &str, kind: Kind) -> Result<Job> {
    let job = get(app, caller, id, kind).await?;
    if job.state.finished() {
        return Err(Error::bad_request(
            "state",
            format!("the job is already {}", job.state.as_str()),
        ));
    }
    let mut next = job.clone();
    next.state = State::Terminated;
    next.version += 1;
    next.date_modified = app.clock.now();
    next.date_finished = Some(next.date_modified);
    save(app, &job, &next).await?;
    Ok(next)
}

pub async fn delete(app: &App, caller: &Principal, id: &str, kind: Kind) -> Result<()> {
    let job = get(app, caller, id, kind).await?;
    let mut batch = Batch::default();
    batch.delete(
        &job,
        Actor {
            id: Some(&caller.subject_id),
            at: app.clock.now(),
        },
    )?;
    batch.commit(app, "job").await
}

/// Runs a queued job to the end. Returns false if it was not queued (or someone else took it).
pub async fn run(app: &App, id: &str) -> Result<bool> {
    let system = crate::app::system::principal();
    let job: Job = documents::load(app, &system, id).await?;
    if job.state != State::Queued {
        return Ok(false);
    }
    let now = app.clock.now();
    let mut running = job.clone();
    running.state = State::Running;
    running.version += 1;
    running.date_started = Some(now);
    running.date_modified = now;
    if save(app, &job, &running).await.is_err() {
        return Ok(false);
    }
    let caller = running.owner.principal();
    let mut done = running.clone();
    match &running.request {
        Request::Query { query, page_number } => {
            match run_query(app, &caller, query, *page_number).await {
                Ok((ids, total)) => {
                    done.result_ids = ids;
                    done.total_count = total;
                    done.successful_count = done.result_ids.len() as i64;
                    done.state = State::Succeeded;
                }
                Err(e) => {
                    done.error = Some((e.code().to_owned(), e.message()));
                    done.state = State::Failed;
                }
            }
        }
        Request::Add(entries) => {
            for entry in entries {
                let result = match app.store.get_workitem(&entry.id).await {
                    Ok(existing) => Ok(existing),
                    Err(_) => match workitems::prepare(
                        app,
                        &caller,
                        &entry.type_id,
                        entry.draft.clone().into(),
                    )
                    .await
                    {
                        Ok(mut w) => {
                            w.id = entry.id.clone();
                            insert(app, &caller, w).await
                        }
                        Err(e) => Err(e),
                    },
                };
                record(&mut done, result);
            }
            done.state = State::Succeeded;
        }
        Request::Terminate(ids) => {
            for id in ids {
                record(&mut done, workitems::terminate(app, &caller, id).await);
            }
            done.state = State::Succeeded;
        }
        Request::QueryCases { query, .. } => {
            let mut q = query.clone();
            q.visible = caller.divisions_with(Permission::CaseView);
            match (
                app.store.count_cases(&q).await,
                app.store.query_cases(&q).await,
            ) {
                (Ok(total), Ok(cases)) => {
                    done.total_count = total;
                    done.result_ids = cases.into_iter().map(|c| c.id).collect();
                    done.successful_count = done.result_ids.len() as i64;
                    done.state = State::Succeeded;
                }
                (Err(e), _) | (_, Err(e)) => {
                    let e = Error::from(e);
                    done.error = Some((e.code().to_owned(), e.message()));
                    done.state = State::Failed;
                }
            }
        }
        Request::TerminateCase(case_id) => {
            match crate::app::case_management::cases::terminate(app, &caller, case_id).await {
                Ok(_) => {
                    done.successful_count = 1;
                    done.state = State::Succeeded;
                }
                Err(e) => {
                    done.failed_count = 1;
                    done.error = Some((e.code().to_owned(), e.message()));
                    done.state = State::Failed;
                }
            }
        }
    }
    // A termination requested while running wins: keep its state, add the results.
    let latest: Job = documents::load(app, &system, id).await?;
    if latest.state == State::Terminated {
        return Ok(true);
    }
    let finished = app.clock.now();
    done.version = latest.version + 1;
    done.date_modified = finished;
    done.date_finished = Some(finished);
    save(app, &latest, &done).await?;
    Ok(true)
}

async fn insert(app: &App, caller: &Principal, w: Workitem) -> Result<Workitem> {
    let change: Change = workitems::created_change(&w, caller)?;
    app.store
        .insert_workitems(std::slice::from_ref(&w), &[change])
        .await?;
    Ok(w)
}

fn record(job: &mut Job, result: Result<Workitem>) {
    match result {
        Ok(w) => {
            job.successful_count += 1;
            job.results.push(ItemResult {
                id: Some(w.id),
                name: Some(w.name),
                workbin_id: Some(w.workbin_id),
                type_id: Some(w.type_id),
                error: None,
            });
        }
        Err(e) => {
            job.failed_count += 1;
            job.results.push(ItemResult {
                id: None,
                name: None,
                workbin_id: None,
                type_id: None,
                error: Some((e.code().to_owned(), e.message())),
            });
        }
    }
}

/// The query body is parsed by the API layer before submission; here it is rebuilt.
async fn run_query(
    app: &App,
    caller: &Principal,
    spec: &QuerySpec,
    page_number: i64,
) -> Result<(Vec<String>, i64)> {
    let mut query = spec.query.clone();
    query.visible = caller.divisions_with(Permission::WorkitemView);
    let total = app.store.count_workitems(&query).await?;
    let size = query.limit;
    // Walk the cursor to the requested page (query jobs page by number).
    let mut page: Vec<Workitem> = Vec::new();
    for _ in 0..page_number {
        page = app.store.query_workitems(&query).await?;
        let Some(last) = page.last() else { break };
        query.after = Some((query.sort_key(last), last.id.clone()));
        if (page.len() as i64) < size {
            break;
        }
    }
    Ok((page.into_iter().map(|w| w.id).collect(), total))
}

/// Deletes finished jobs past their retention; returns how many.
/// The workitems a finished query job found, as they are now; one deleted since is left out.
pub async fn result_workitems(app: &App, job: &Job) -> Result<Vec<Workitem>> {
    let mut found = Vec::with_capacity(job.result_ids.len());
    for id in &job.result_ids {
        match app.store.get_workitem(id).await {
            Ok(w) => found.push(w),
            Err(casefile_store::Error::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(found)
}

pub async fn sweep(app: &App, now: Timestamp) -> Result<u64> {
    let system = crate::app::system::principal();
    let jobs: Vec<Job> = documents::list(app, &system, None).await?;
    let mut batch = Batch::default();
    let mut n = 0;
    for job in jobs.iter().filter(|j| {
        j.state.finished() && j.date_modified + chrono::Duration::hours(RETENTION_HOURS) < now
    }) {
        batch.delete(job, Actor { id: None, at: now })?;
        n += 1;
    }
    if n > 0 {
        batch.commit(app, "job").await?;
    }
    Ok(n)
}

/// Jobs waiting to run (after a restart, or whose start task was lost).
pub async fn pending(app: &App) -> Result<Vec<String>> {
    let system = crate::app::system::principal();
    let jobs: Vec<Job> = documents::list(app, &system, None).await?;
    Ok(jobs
        .into_iter()
        .filter(|j| j.state == State::Queued || j.state == State::Running)
        .map(|j| j.id)
        .collect())
}

/// Marks a queued job running without running it (what a crash mid-run leaves behind).
pub async fn mark_running(app: &App, id: &str) -> Result<()> {
    let system = crate::app::system::principal();
    let job: Job = documents::load(app, &system, id).await?;
    let mut next = job.clone();
    next.state = State::Running;
    next.version += 1;
    save(app, &job, &next).await
}

/// A job left `Running` by a crash goes back to `Queued`.
pub async fn requeue_abandoned(app: &App, id: &str) -> Result<()> {
    let system = crate::app::system::principal();
    let job: Job = documents::load(app, &system, id).await?;
    if job.state != State::Running {
        return Ok(());
    }
    let mut next = job.clone();
    next.state = State::Queued;
    next.version += 1;
    next.date_modified = app.clock.now();
    save(app, &job, &next).await
}
