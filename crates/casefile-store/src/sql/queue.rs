//! The protocol of SQLite's writer queue: what a caller hands the group-committing writer
//! thread ([`Job`]) and how that thread answers it ([`Deliver`]). Shared by the sending side
//! (`writer.rs`) and the thread (`sqlite_writer.rs`), so neither imports the other for it.

use futures::future::BoxFuture;

use super::tx::Tx;
use crate::{Error, Result};

/// Units of work that may wait for the writer thread.
pub const QUEUE: usize = 1024;

/// Answers a unit's caller once its commit is durable (or has failed).
pub type Deliver = Box<dyn FnOnce(Result<()>) + Send>;
/// Runs a unit; `None` if it failed (its caller is already answered).
pub type Run = Box<dyn for<'c> FnOnce(&'c mut Tx) -> BoxFuture<'c, Option<Deliver>> + Send>;

pub struct Job {
    pub run: Run,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

pub fn gone() -> Error {
    Error::Unavailable("the database writer has stopped".into())
}
