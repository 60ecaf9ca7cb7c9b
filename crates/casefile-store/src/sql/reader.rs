//! Where the hot reads run. On SQLite a point read or a small indexed query takes a few
//! microseconds; through sqlx's SQLite driver it was also a hand-off to a worker thread and a
//! wake-up back, which cost more than the read and, on two cores, competed with the writer.
//! So on SQLite those reads run **in place**, on the calling task's thread, over a small pool
//! of read-only rusqlite connections (WAL readers never wait for the writer). On PostgreSQL
//! they go through the sqlx pool. Either way the statement is a [`Query`] written once.
//!
//! Only short reads belong here (by key, or a query an equality on a key bounds, see
//! `workitems::is_key_lookup`): a read in place holds its thread for its whole length, so
//! anything that may scan stays on the sqlx pool.

use std::sync::{Arc, Mutex};

use sqlx::AnyPool;

use super::tx::{Cell, Query, sqlite_error};
use crate::Result;

/// Idle connections kept for reads in place; more are opened under load and closed after.
const IDLE_MAX: usize = 8;

#[derive(Clone)]
pub enum Reads {
    /// Read-only connections to the SQLite file, used in place.
    InPlace(Arc<InPlace>),
    /// The sqlx pool (PostgreSQL).
    Pool(AnyPool),
}

pub struct InPlace {
    file: String,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

impl std::fmt::Debug for Reads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Reads::InPlace(_) => "Reads::InPlace",
            Reads::Pool(_) => "Reads::Pool",
        })
    }
}

impl Reads {
    pub fn in_place(file: &str) -> Result<Reads> {
        let reads = InPlace {
            file: file.to_owned(),
            idle: Mutex::new(Vec::new()),
        };
        let first = reads.open()?;
        reads.give_back(first);
        Ok(Reads::InPlace(Arc::new(reads)))
    }

    /// The first column of every row.
    pub async fn all<T: Cell>(&self, q: &Query<'_>) -> Result<Vec<T>> {
        match self {
            Reads::InPlace(local) => {
                let conn = local.take()?;
                let rows = q.rows_in_place(&conn);
                local.give_back(conn);
                rows
            }
            Reads::Pool(pool) => q.fetch_all_on(pool).await,
        }
    }

    /// The first column of the first row, if there is one.
    pub async fn optional<T: Cell>(&self, q: &Query<'_>) -> Result<Option<T>> {
        Ok(self.all(q).await?.into_iter().next())
    }
}

impl InPlace {
    fn open(&self) -> Result<rusqlite::Connection> {
        let conn = rusqlite::Connection::open_with_flags(
            &self.file,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
                | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(sqlite_error)?;
        conn.execute_batch("PRAGMA busy_timeout = 5000; PRAGMA temp_store = MEMORY;")
            .map_err(sqlite_error)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    fn take(&self) -> Result<rusqlite::Connection> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match idle {
            Some(conn) => Ok(conn),
            None => self.open(),
        }
    }

    fn give_back(&self, conn: rusqlite::Connection) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < IDLE_MAX
        {
            idle.push(conn);
        }
    }
}
