//! casefile's storage: the [`Store`] trait and its SQL implementation for SQLite and PostgreSQL.
//!
//! Architecture invariant: this is the only crate that knows SQL. Database facts are
//! translated here (row not found → [`Error::NotFound`], unique or foreign-key violation →
//! [`Error::Conflict`], stale version → [`Error::VersionMismatch`]); callers never see `sqlx`.
//!
//! Architecture invariant: every mutation is one transaction that writes the entity row
//! (checking its `version`), its event row and any outbox rows, all or nothing.

mod contacts;
mod error;
mod lost_connections;
mod sql;
mod store;
pub mod testing;
mod types;
mod unit;

pub use contacts::{ContactFilter, ContactSort};
pub use error::{Error, Result};
pub use sql::{Backend, PoolSizes, SqlStore, connect, redact as sql_redact};
pub use store::Store;
pub use types::*;
pub use unit::{CaseColumn, CaseFilter, CaseInsert, CaseQuery, CaseSort, EntityWrite, UnitOfWork};
