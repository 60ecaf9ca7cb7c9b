//! The SQL implementation of [`Store`](crate::Store), one code path for SQLite and PostgreSQL.
//!
//! Queries are written once with `$N` placeholders, which both backends accept, and run
//! through sqlx's `Any` driver; the few dialect differences are switched on [`Backend`].
//! SQLite gets a single-connection writer pool (SQLite admits one writer at a time; queueing
//! in the pool is cheaper than spinning on `SQLITE_BUSY`) and a pool of readers; PostgreSQL
//! uses one pool and relies on row locks and conditional updates.
//!
//! Each file is one concept: `backend` (which database), `connect` (pools and opening),
//! `facade` ([`SqlStore`], the `Store` trait over the table modules), `commit` (a unit of
//! work), `guarded` (version-guarded writes), `fragments` (shared SQL text), the write path
//! (`writer`, `queue`, `sqlite_writer`, `tx`, `combine`), the hot reads (`reader`), and one
//! module per table or group of tables.

mod audit;
mod auth;
mod backend;
mod cases;
mod combine;
mod commit;
mod connect;
mod contacts;
mod divisions;
mod documents;
mod facade;
mod fragments;
mod guarded;
mod migrate;
mod queue;
mod reader;
mod rows;
mod sqlite_writer;
mod tx;
mod users;
mod workitems;
mod writer;

pub use backend::{Backend, redact};
pub use connect::{PoolSizes, connect};
pub use facade::SqlStore;
