//! Durable background jobs over workitems: query jobs, bulk add and bulk terminate.
//!
//! A job is a document (kind `job`) holding its request, the principal it runs as, its state
//! and its results. Creating one also starts it on a task; the jobs worker of every node picks
//! up any job still `Queued`, or `Running` under a lease that ran out (its node died). Which
//! node runs it is decided by a lease (`job_lease`), so a job runs on one node at a time.
//!
//! Resuming is idempotent: a bulk job writes its document before each item's effect, with the
//! results so far and the item in flight (`InFlight`). A resumed job skips the items it
//! recorded and, for the item in flight, recognises an effect it made before it died: a bulk
//! add finds the workitem by the id it assigned at submission, a bulk terminate finds the
//! termination made after the in-flight version by the job's owner.

use casefile_domain::Timestamp;
use casefile_domain::authz::{Permission, Principal};
use casefile_domain::task::workitem::Workitem;

use super::documents::{self, Batch};
pub use super::job::{
    AddEntry, InFlight, ItemResult, Job, Kind, Owner, QuerySpec, Request, State, StoredDraft,
};
use super::job_lease::{self, Items, finish};
use crate::app::error::{Error, Result};
use crate::app::{Actor, App, new_id};

pub const BULK_MAX: usize = 50;
/// Finished jobs are kept this long for their results.
pub const RETENTION_HOURS: i64 = 24;

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
    use casefile_domain::authz::Permission as P;
    // Each item is decided again as the job runs; a caller who could change none is refused
    // at once rather than with a job of failures.
    let needed: &[P] = match &request {
        Request::Query { .. } => &[P::WorkitemView],
        Request::Add(_) => &[P::WorkitemAdd],
        Request::Terminate(_) => &[P::WorkitemTerminate, P::WorkitemEdit, P::WorkitemEditOwn],
        Request::TerminateCase(_) => &[P::CaseEdit],
        Request::QueryCases { .. } => &[P::CaseView],
    };
    if !caller.holds_any(needed) {
        return Err(Error::forbidden(needed[0]));
    }
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
        node: None,
        lease_until: None,
        claims: 0,
        in_flight: None,
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

/// Cancels a job that has not finished (`PATCH … {state: Terminated}`). The running node's
/// progress writes may come in between: the cancel is retried on the job as it is now, and
/// the runner stops at its next write.
pub async fn terminate(app: &App, caller: &Principal, id: &str, kind: Kind) -> Result<Job> {
    let mut job = get(app, caller, id, kind).await?;
    for _ in 0..20 {
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
        next.lease_until = None;
        if job_lease::write(app, &job, &next).await? {
            return Ok(next);
        }
        job = job_lease::load_fresh(app, id).await?;
    }
    Err(Error::conflict(
        "the job was changed at the same time; read it again",
    ))
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

/// Runs a job to the end if this node can claim it (queued, or running under a lease that
/// ran out). Returns false if it could not (not pending, or another node holds it).
pub async fn run(app: &App, id: &str) -> Result<bool> {
    let Some(mut held) = job_lease::claim(app, id).await? else {
        return Ok(false);
    };
    let caller = held.job.owner.principal();
    let request = held.job.request.clone();
    let finished = match &request {
        Request::Query { query, page_number } => {
            let (result, ours) = held
                .during(app, run_query(app, &caller, query, *page_number))
                .await;
            ours && finish(app, &mut held, |done| match result {
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
            })
            .await?
        }
        Request::QueryCases { query, .. } => {
            let mut q = query.clone();
            q.visible = caller.divisions_with(Permission::CaseView);
            let ((total, cases), ours) = held
                .during(app, async {
                    (
                        app.store.count_cases(&q).await,
                        app.store.query_cases(&q).await,
                    )
                })
                .await;
            ours && finish(app, &mut held, |done| match (total, cases) {
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
            })
            .await?
        }
        Request::TerminateCase(case_id) => {
            let resumed = held.job.claims > 1;
            let (result, ours) = held
                .during(
                    app,
                    crate::app::case_management::cases::terminate(app, &caller, case_id),
                )
                .await;
            // Resumed after a crash: the case we terminated before dying counts as done.
            let result = match result {
                Err(_) if resumed && case_terminated(app, case_id).await => Ok(()),
                other => other.map(|_| ()),
            };
            ours && finish(app, &mut held, |done| match result {
                Ok(()) => {
                    done.successful_count = 1;
                    done.state = State::Succeeded;
                }
                Err(e) => {
                    done.failed_count = 1;
                    done.error = Some((e.code().to_owned(), e.message()));
                    done.state = State::Failed;
                }
            })
            .await?
        }
        Request::Add(entries) => {
            job_lease::run_items(app, &mut held, &caller, Items::Add(entries)).await?
        }
        Request::Terminate(ids) => {
            job_lease::run_items(app, &mut held, &caller, Items::Terminate(ids)).await?
        }
    };
    if !finished {
        tracing::info!(job_id = %id, node = %app.node, "job no longer held by this node; stopped");
    }
    Ok(true)
}

async fn case_terminated(app: &App, case_id: &str) -> bool {
    matches!(
        app.store.get_case(case_id).await,
        Ok(c) if c.status == casefile_domain::case::Status::Terminated
    )
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
        match batch.commit(app, "job").await {
            Ok(()) => {}
            // Another node swept them first.
            Err(Error::Conflict { .. } | Error::Stale { .. } | Error::NotFound { .. }) => {
                return Ok(0);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Jobs a node may claim at `now`: queued (their start task was lost), or running under a
/// lease that ran out (their node died).
pub async fn pending(app: &App, now: Timestamp) -> Result<Vec<String>> {
    let system = crate::app::system::principal();
    let jobs: Vec<Job> = documents::list(app, &system, None).await?;
    Ok(jobs
        .into_iter()
        .filter(|j| job_lease::claimable(j, now))
        .map(|j| j.id)
        .collect())
}

/// Marks a queued job running without running it and without a lease (what a crash mid-run
/// leaves behind once its lease ran out).
pub async fn mark_running(app: &App, id: &str) -> Result<()> {
    let system = crate::app::system::principal();
    let job: Job = documents::load(app, &system, id).await?;
    let mut next = job.clone();
    next.state = State::Running;
    next.version += 1;
    save(app, &job, &next).await
}
