//! The write path's transactions. On PostgreSQL each unit of work is its own transaction on the
//! pool. On SQLite — one writer at a time, one fsync per commit — units of work queue for a
//! single writer task that **group-commits** them: it takes every unit waiting (up to
//! [`MAX_BATCH`]), runs each inside its own `SAVEPOINT` in one transaction, rolls back just the
//! units that fail, commits once, and only then answers their callers. A unit is acknowledged
//! only after the commit that made it durable; a failed commit fails every unit in it.
//! Units run to completion in the writer task, so a caller that goes away mid-write cannot leave
//! a transaction half done.

use futures::future::BoxFuture;
use sqlx::{AnyConnection, AnyPool, Executor};
use tokio::sync::{mpsc, oneshot};

use crate::{Error, Result};

/// Units of work one SQLite commit may carry.
pub const MAX_BATCH: usize = 64;
const QUEUE: usize = 1024;

/// A unit of work: statements on the connection, inside the transaction the writer provides.
pub type Work<T> =
    Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send>;

type Deliver = Box<dyn FnOnce(Result<()>) + Send>;
type Run = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Option<Deliver>> + Send>;

pub struct Job {
    run: Run,
}

#[derive(Clone, Debug)]
pub enum Writer {
    /// A transaction per unit on the pool (PostgreSQL).
    Direct(AnyPool),
    /// The queue of the group-committing writer task (SQLite).
    Batched(mpsc::Sender<Job>),
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

fn gone() -> Error {
    Error::Unavailable(sqlx::Error::PoolClosed)
}

impl Writer {
    /// Starts the group-committing writer over `pool` (which should hold one connection).
    pub fn batched(pool: AnyPool) -> Writer {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(writer_loop(pool, receiver));
        Writer::Batched(sender)
    }

    /// Runs `work` in a transaction and returns its value once it is committed.
    pub async fn run<T: Send + 'static>(&self, work: Work<T>) -> Result<T> {
        match self {
            Writer::Direct(pool) => {
                let mut tx = pool.begin().await?;
                let value = work(&mut tx).await?;
                tx.commit().await?;
                Ok(value)
            }
            Writer::Batched(queue) => {
                let (answer, answered) = oneshot::channel::<Result<T>>();
                let run: Run = Box::new(move |conn| {
                    Box::pin(async move {
                        match work(conn).await {
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

async fn writer_loop(pool: AnyPool, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let mut conn = match pool.acquire().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, units = jobs.len(), "writer cannot get its connection");
                continue; // dropping the jobs answers their callers with Unavailable
            }
        };
        if let Err(e) = conn.execute("BEGIN IMMEDIATE").await {
            tracing::warn!(error = %e, "writer cannot begin a transaction");
            continue;
        }
        let mut delivered: Vec<Deliver> = Vec::with_capacity(jobs.len());
        for job in jobs {
            if conn.execute("SAVEPOINT unit").await.is_err() {
                continue;
            }
            match (job.run)(&mut conn).await {
                Some(deliver) => {
                    if conn.execute("RELEASE unit").await.is_ok() {
                        delivered.push(deliver);
                    } else {
                        deliver(Err(gone()));
                    }
                }
                None => {
                    let _ = conn.execute("ROLLBACK TO unit").await;
                    let _ = conn.execute("RELEASE unit").await;
                }
            }
        }
        match conn.execute("COMMIT").await {
            Ok(_) => {
                for deliver in delivered {
                    deliver(Ok(()));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, units = delivered.len(), "group commit failed");
                let _ = conn.execute("ROLLBACK").await;
                let message = e.to_string();
                for deliver in delivered {
                    deliver(Err(Error::Unavailable(sqlx::Error::Protocol(
                        message.clone(),
                    ))));
                }
            }
        }
    }
}
