//! The write path's transactions. On PostgreSQL each unit of work is its own transaction on the
//! pool. On SQLite units of work queue for the single group-committing writer thread
//! ([`super::sqlite_writer`]). Either way a unit's caller is answered only once its changes are
//! durable, and a unit runs to completion even if its caller goes away.

use futures::future::BoxFuture;
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::combine::{self, Step};
use super::queue::{Deliver, Job, QUEUE, Run, gone};
use super::sqlite_writer;
use super::tx::Tx;
use crate::Result;

/// A unit of work: statements on the transaction the writer provides.
pub type Work<T> = Box<dyn for<'c> FnOnce(&'c mut Tx) -> BoxFuture<'c, Result<T>> + Send>;

#[derive(Clone, Debug)]
pub enum Writer {
    /// A transaction per unit on the pool (PostgreSQL).
    Direct(AnyPool),
    /// The queue of the group-committing writer thread (SQLite).
    Batched(mpsc::Sender<Job>),
}

impl Writer {
    /// Starts SQLite's group-committing writer on the database `file`.
    pub fn batched(file: &str) -> Result<Writer> {
        let (sender, receiver) = mpsc::channel(QUEUE);
        sqlite_writer::start(file, receiver)?;
        Ok(Writer::Batched(sender))
    }

    /// Runs a unit made only of prepared writes: on PostgreSQL as one statement
    /// ([`combine`]), on SQLite step by step in the group commit.
    pub async fn run_steps(&self, steps: Vec<Step>) -> Result<()> {
        match self {
            Writer::Direct(pool) if combine::fits_one_statement(&steps) => {
                combine::run_combined(pool, steps).await
            }
            _ => {
                self.run(Box::new(move |tx| Box::pin(combine::run_in(tx, steps))))
                    .await
            }
        }
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
