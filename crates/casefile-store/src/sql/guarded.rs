//! Version-guarded writes (`… WHERE id = $a AND version = $b`) and what a write that touched
//! no row means: the row is missing ([`Error::NotFound`]) or stale ([`Error::VersionMismatch`]).

use sqlx::AnyPool;

use super::tx::{self, Tx};
use crate::{Error, Result};

/// A conditional write (`… WHERE id = $a AND version = $b`) built before the unit of work runs.
pub struct Guarded {
    query: tx::Query<'static>,
    table: &'static str,
    id: String,
    expected: i64,
}

impl Guarded {
    pub fn new(query: tx::Query<'_>, table: &'static str, id: &str, expected: i64) -> Guarded {
        Guarded {
            query: query.into_owned(),
            table,
            id: id.to_owned(),
            expected,
        }
    }

    pub fn query(&self) -> &tx::Query<'static> {
        &self.query
    }

    /// Runs it: no row touched means the row is missing or stale.
    pub async fn run(self, conn: &mut Tx) -> Result<()> {
        if self.query.execute(&mut *conn).await? == 0 {
            return Err(missing_or_stale(conn, self.table, &self.id).await);
        }
        Ok(())
    }

    /// After a combined statement failed its guards: whether this row is the one missing or
    /// no longer at the expected version.
    pub async fn failure(&self, pool: &AnyPool) -> Option<Error> {
        let sql = format!("SELECT version FROM {} WHERE id = $1", self.table);
        match sqlx::query_scalar::<_, i64>(&sql)
            .bind(&self.id)
            .fetch_optional(pool)
            .await
        {
            Ok(Some(current)) if current == self.expected => None,
            Ok(found) => Some(missing_or_stale_from(found)),
            Err(e) => Some(e.into()),
        }
    }
}

/// After a conditional update touched no row: was it missing, or stale?
pub async fn missing_or_stale(conn: &mut Tx, table: &str, id: &str) -> Error {
    let sql = format!("SELECT version FROM {table} WHERE id = $1");
    match tx::query(&sql).bind(id).fetch_optional(&mut *conn).await {
        Ok(found) => missing_or_stale_from(found),
        Err(e) => e,
    }
}

/// The error for a row found at `found` version (or not at all) by a failed conditional write.
fn missing_or_stale_from(found: Option<i64>) -> Error {
    match found {
        Some(current) => Error::VersionMismatch { current },
        None => Error::NotFound,
    }
}
