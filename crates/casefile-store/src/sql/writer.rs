//! The write path's transactions. On PostgreSQL each unit of work is its own transaction on the
//! pool. On SQLite — one writer at a time, one fsync per commit — units of work queue for a
//! single writer thread (its own rusqlite connection, see [`super::tx`]) that **group-commits**
//! them: it takes every unit waiting (up to
//! [`MAX_BATCH`]), runs each inside its own `SAVEPOINT` in one transaction, rolls back just the
//! units that fail, commits once, and only then answers their callers. A unit is acknowledged
//! only after the commit that made it durable; a failed commit fails every unit in it.
//! Units run to completion in the writer thread, so a caller that goes away mid-write cannot leave
//! a transaction half done.

use futures::future::BoxFuture;
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::tx::{Tx, sqlite_error};
use crate::{Error, Result};

/// Units of work one SQLite commit may carry.
pub const MAX_BATCH: usize = 64;
const QUEUE: usize = 1024;

/// A unit of work: statements on the transaction the writer provides.
pub type Work<T> = Box<dyn for<'c> FnOnce(&'c mut Tx) -> BoxFuture<'c, Result<T>> + Send>;

type Deliver = Box<dyn FnOnce(Result<()>) + Send>;
type Run = Box<dyn for<'c> FnOnce(&'c mut Tx) -> BoxFuture<'c, Option<Deliver>> + Send>;

pub struct Job {
    run: Run,
}

#[derive(Clone, Debug)]
pub enum Writer {
    /// A transaction per unit on the pool (PostgreSQL).
    Direct(AnyPool),
    /// The queue of the group-committing writer thread (SQLite).
    Batched(mpsc::Sender<Job>),
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

fn gone() -> Error {
    Error::Unavailable("the database writer has stopped".into())
}

impl Writer {
    /// Starts the group-committing writer thread, which owns `conn` from now on.
    pub fn batched(conn: rusqlite::Connection) -> Result<Writer> {
        let (sender, receiver) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("casefile-writer".into())
            .spawn(move || writer_loop(Tx::Sqlite(conn), receiver))
            .map_err(|e| Error::Unavailable(Box::new(e)))?;
        Ok(Writer::Batched(sender))
    }

    /// Runs `work` in a transaction and returns its value once it is committed.
    pub async fn run<T: Send + 'static>(&self, work: Work<T>) -> Result<T> {
        match self {
            Writer::Direct(pool) => {
                let mut tx = Tx::Any(pool.begin().await?);
                let value = work(&mut tx).await?;
                if let Tx::Any(t) = tx {
                    t.commit().await?;
                }
                Ok(value)
            }
            Writer::Batched(queue) => {
                let (answer, answered) = oneshot::channel::<Result<T>>();
                let run: Run = Box::new(move |tx| {
                    Box::pin(async move {
                        match work(tx).await {
                            Ok(value) => Some(Box::new(move |committed: Result<()>| {
                                let _ = answer.send(committed.map(|()| value));
                            }) as Deliver),
                            Err(e) => {
                                let _ = answer.send(Err(e));
                                None
                            }
                        }
                    })
                });
                queue.send(Job { run }).await.map_err(|_| gone())?;
                answered.await.map_err(|_| gone())?
            }
        }
    }
}

/// Runs a statement that takes no parameters on the writer's own connection.
fn control(tx: &Tx, sql: &str) -> Result<()> {
    match tx {
        Tx::Sqlite(conn) => conn.execute_batch(sql).map_err(sqlite_error),
        Tx::Any(_) => Err(Error::Unavailable(
            "the writer holds no SQLite connection".into(),
        )),
    }
}

/// The writer thread: waits for units, runs every unit waiting in one transaction, commits.
/// A SQLite unit's statements run in place, so its future completes on its first poll.
fn writer_loop(mut tx: Tx, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.blocking_recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = control(&tx, "BEGIN IMMEDIATE") {
            tracing::warn!(error = %e, units = jobs.len(), "writer cannot begin a transaction");
            continue; // dropping the jobs answers their callers with Unavailable
        }
        let mut delivered: Vec<Deliver> = Vec::with_capacity(jobs.len());
        for job in jobs {
            if control(&tx, "SAVEPOINT unit").is_err() {
                continue;
            }
            match futures::executor::block_on((job.run)(&mut tx)) {
                Some(deliver) => {
                    if control(&tx, "RELEASE unit").is_ok() {
                        delivered.push(deliver);
                    } else {
                        deliver(Err(gone()));
                    }
                }
                None => {
                    let _ = control(&tx, "ROLLBACK TO unit; RELEASE unit");
                }
            }
        }
        match control(&tx, "COMMIT") {
            Ok(()) => {
                for deliver in delivered {
                    deliver(Ok(()));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, units = delivered.len(), "group commit failed");
                let _ = control(&tx, "ROLLBACK");
                let message = e.to_string();
                for deliver in delivered {
                    deliver(Err(Error::Unavailable(message.clone().into())));
                }
            }
        }
    }
}
