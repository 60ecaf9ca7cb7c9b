//! Which node runs a job: a lease on the job document.
//!
//! A node claims a job with a versioned update of its document — from `Queued`, or from
//! `Running` whose lease ran out — to `Running` with `node` set to itself and `lease_until`
//! to now plus `config.job_lease_seconds`. Every progress write renews the lease, and a
//! long step renews it every third of the lease ([`Held::during`]). A node never takes a
//! job whose lease is live, so a node that restarts leaves a live node's jobs alone; a
//! node that died loses its jobs one lease after its last renewal. Every write is
//! compare-and-set on the document's version: a node that lost its job (to a termination
//! or, after a stall past its lease, to another node) finds out at its next write and stops.

use std::future::Future;
use std::time::Duration;

use casefile_domain::Timestamp;
use casefile_domain::authz::Principal;
use casefile_domain::task::workitem::Workitem;
use casefile_store::Change;
use casefile_store::Error as StoreError;

use super::documents::{self, Batch, Stored};
use super::job::{AddEntry, InFlight, ItemResult, Job, State};
use super::workitems;
use crate::app::error::{Error, Result};
use crate::app::{Actor, App};

pub fn lease(app: &App) -> chrono::Duration {
    chrono::Duration::seconds(i64::from(app.config.job_lease_seconds))
}

/// The job as stored now (never from the cache: a lease decision needs the latest version).
pub async fn load_fresh(app: &App, id: &str) -> Result<Job> {
    match app.store.get_document(Job::KIND, id).await {
        Ok(d) => documents::from_value(d.data),
        Err(StoreError::NotFound) => Err(Error::not_found(Job::WHAT)),
        Err(e) => Err(e.into()),
    }
}

/// May a node take this job at `now`?
pub fn claimable(job: &Job, now: Timestamp) -> bool {
    match job.state {
        State::Queued => true,
        // No lease at all: written by a version that had none, so nobody holds it.
        State::Running => job.lease_until.is_none_or(|until| until <= now),
        _ => false,
    }
}

/// Writes `after` over `before` if `before` is still the stored version. `Ok(false)`: it
/// was not (someone else wrote the job meanwhile).
pub async fn write(app: &App, before: &Job, after: &Job) -> Result<bool> {
    let mut batch = Batch::default();
    batch.update(
        before,
        after,
        Actor {
            id: None,
            at: after.date_modified,
        },
    )?;
    match batch.commit(app, "job").await {
        Ok(()) => Ok(true),
        Err(Error::Stale { .. } | Error::Conflict { .. } | Error::NotFound { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A job this node holds: `job` is the version it last wrote.
pub struct Held {
    pub job: Job,
    renewed_at: Timestamp,
}

/// Claims the job for this node; `None` if it is not claimable or another node won.
pub async fn claim(app: &App, id: &str) -> Result<Option<Held>> {
    let job = load_fresh(app, id).await?;
    let now = app.clock.now();
    if !claimable(&job, now) {
        return Ok(None);
    }
    let mut next = job.clone();
    if job.state == State::Running {
        tracing::info!(job_id = %id, previous_node = ?job.node, node = %app.node, "resuming a job whose lease ran out");
    }
    next.state = State::Running;
    next.version += 1;
    next.node = Some(app.node.to_string());
    next.lease_until = Some(now + lease(app));
    next.claims += 1;
    next.date_started.get_or_insert(now);
    next.date_modified = now;
    if !write(app, &job, &next).await? {
        return Ok(None);
    }
    Ok(Some(Held {
        job: next,
        renewed_at: now,
    }))
}

impl Held {
    /// Writes the job changed by `change`, renewing the lease. `Ok(false)`: the job is no
    /// longer ours (terminated, or taken after our lease ran out); stop working on it.
    pub async fn progress(&mut self, app: &App, change: impl FnOnce(&mut Job)) -> Result<bool> {
        let now = app.clock.now();
        let mut next = self.job.clone();
        change(&mut next);
        next.version = self.job.version + 1;
        next.date_modified = now;
        if next.state == State::Running {
            next.lease_until = Some(now + lease(app));
        } else {
            next.lease_until = None;
        }
        if !write(app, &self.job, &next).await? {
            return Ok(false);
        }
        self.job = next;
        self.renewed_at = now;
        Ok(true)
    }

    /// Renews the lease if a third of it has passed since the last write.
    pub async fn renew_if_due(&mut self, app: &App) -> Result<bool> {
        if app.clock.now() - self.renewed_at < lease(app) / 3 {
            return Ok(true);
        }
        self.progress(app, |_| {}).await
    }

    /// Runs one step of the job, renewing the lease every third of it while the step takes.
    /// The step always runs to its end (stopping half-way would leave its effect unknown);
    /// the flag says whether the job was still ours throughout.
    pub async fn during<T>(&mut self, app: &App, step: impl Future<Output = T>) -> (T, bool) {
        let every = Duration::from_millis(
            u64::try_from((lease(app) / 3).num_milliseconds()).unwrap_or(1000),
        );
        tokio::pin!(step);
        let mut ours = true;
        loop {
            tokio::select! {
                out = &mut step => return (out, ours),
                _ = app.clock.sleep(every) => {
                    if ours {
                        match self.renew_if_due(app).await {
                            Ok(true) => {}
                            Ok(false) => ours = false,
                            Err(e) => tracing::warn!(job_id = %self.job.id, error = %e, "job lease renewal failed"),
                        }
                    }
                }
            }
        }
    }
}

/// The items of a bulk job from the first one not recorded; the document is written before
/// each item's effect (recording the previous item's result and this item in flight).
/// Returns false if the job stopped being this node's.
pub(super) async fn run_items(
    app: &App,
    held: &mut Held,
    caller: &Principal,
    items: Items<'_>,
) -> Result<bool> {
    let mut pending: Option<Result<Workitem>> = None;
    let n = match items {
        Items::Add(entries) => entries.len(),
        Items::Terminate(ids) => ids.len(),
    };
    for index in held.job.results.len()..n {
        let id = match items {
            Items::Add(entries) => &entries[index].id,
            Items::Terminate(ids) => &ids[index],
        };
        let current = match app.store.get_workitem(id).await {
            Ok(w) => Some(w),
            Err(casefile_store::Error::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        let was_in_flight = held.job.in_flight.filter(|f| f.index == index);
        let mark = InFlight {
            index,
            version: current.as_ref().map_or(0, |w| w.version),
        };
        let previous = pending.take();
        if !held
            .progress(app, |job| {
                if let Some(r) = previous {
                    record(job, r);
                }
                job.in_flight = Some(mark);
            })
            .await?
        {
            return Ok(false);
        }
        let (result, ours) = match items {
            Items::Add(entries) => {
                let entry = &entries[index];
                match current {
                    // Added by this job before (ids are assigned at submission).
                    Some(existing) => (Ok(existing), true),
                    None => held.during(app, add(app, caller, entry)).await,
                }
            }
            Items::Terminate(_) => match (current, was_in_flight) {
                (Some(w), Some(f))
                    if w.terminated && terminated_by_job(app, held, &w, f).await? =>
                {
                    (Ok(w), true)
                }
                _ => {
                    held.during(app, workitems::terminate(app, caller, id))
                        .await
                }
            },
        };
        if !ours {
            return Ok(false);
        }
        pending = Some(result);
    }
    finish(app, held, |done| {
        if let Some(r) = pending {
            record(done, r);
        }
        done.state = State::Succeeded;
    })
    .await
}

/// The entries of a bulk job.
#[derive(Clone, Copy)]
pub(super) enum Items<'a> {
    Add(&'a [AddEntry]),
    Terminate(&'a [String]),
}

async fn add(app: &App, caller: &Principal, entry: &AddEntry) -> Result<Workitem> {
    let mut w = workitems::prepare(app, caller, &entry.type_id, entry.draft.clone().into()).await?;
    w.id = entry.id.clone();
    match insert(app, caller, w).await {
        // Inserted meanwhile under the id this job assigned: that was this job.
        Err(Error::Conflict { .. }) => Ok(app.store.get_workitem(&entry.id).await?),
        other => other,
    }
}

/// Was `w` terminated by this job: by its owner, after the version it had when the job
/// marked it in flight?
async fn terminated_by_job(app: &App, held: &Held, w: &Workitem, mark: InFlight) -> Result<bool> {
    let events = app.store.events("workitem", &w.id).await?;
    Ok(events.iter().any(|e| {
        e.version > mark.version
            && e.kind == "workitem.terminated"
            && e.actor_id.as_deref() == Some(held.job.owner.subject_id.as_str())
    }))
}

/// Writes the job's outcome (a termination requested meanwhile wins: then nothing is written).
pub(super) async fn finish(
    app: &App,
    held: &mut Held,
    outcome: impl FnOnce(&mut Job),
) -> Result<bool> {
    let now = app.clock.now();
    held.progress(app, |done| {
        outcome(done);
        done.in_flight = None;
        done.date_finished = Some(now);
    })
    .await
}

async fn insert(app: &App, caller: &Principal, w: Workitem) -> Result<Workitem> {
    let change: Change = workitems::created_change(&w, caller)?;
    app.commit(&casefile_store::UnitOfWork {
        workitem_inserts: vec![w.clone()],
        changes: vec![change],
        ..casefile_store::UnitOfWork::default()
    })
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
