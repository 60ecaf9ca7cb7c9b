//! The connection a unit of work writes through, and the statements it runs.
//!
//! On SQLite the writer thread holds a rusqlite connection and runs each statement in place:
//! sqlx's SQLite driver would hand every statement to its worker thread and wait to be woken,
//! which on two cores cost ~50 µs a statement, more than the statement itself, and the writer
//! runs one unit at a time. On PostgreSQL a unit runs in an sqlx transaction on the pool.
//! Statements are written once with `$N` placeholders and bound the same way on both.

use std::borrow::Cow;

use sqlx::{Any, Transaction};

use crate::{Error, Result};

/// The open transaction a unit of work runs in.
pub enum Tx {
    /// SQLite's single writer connection, inside the writer's transaction.
    Sqlite(rusqlite::Connection),
    /// A PostgreSQL transaction from the pool.
    Any(Transaction<'static, Any>),
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Tx::Sqlite(_) => "Tx::Sqlite",
            Tx::Any(_) => "Tx::Any",
        })
    }
}

/// A bound parameter. The type travels with a NULL, as PostgreSQL needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
    Real(Option<f64>),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<&Option<String>> for Arg {
    fn from(v: &Option<String>) -> Self {
        Arg::Text(v.clone())
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_owned))
    }
}
impl From<crate::FilterValue> for Arg {
    fn from(v: crate::FilterValue) -> Self {
        match v {
            crate::FilterValue::Text(s) => Arg::Text(Some(s)),
            crate::FilterValue::Int(i) => Arg::Int(Some(i)),
            crate::FilterValue::Number(n) => Arg::Real(Some(n)),
            crate::FilterValue::Bool(b) => Arg::Int(Some(i64::from(b))),
        }
    }
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<f64> for Arg {
    fn from(v: f64) -> Self {
        Arg::Real(Some(v))
    }
}

/// A value read back: the first column of a row.
pub trait Cell: Sized + Send + 'static {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
    fn from_any(row: &sqlx::any::AnyRow) -> sqlx::Result<Self>;
}

impl Cell for i64 {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        row.get(0)
    }
    fn from_any(row: &sqlx::any::AnyRow) -> sqlx::Result<Self> {
        sqlx::Row::try_get(row, 0)
    }
}

impl Cell for String {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        row.get(0)
    }
    fn from_any(row: &sqlx::any::AnyRow) -> sqlx::Result<Self> {
        sqlx::Row::try_get(row, 0)
    }
}

/// A statement and its parameters, `$1` first. One built with an owned text (or a
/// `'static` one) can be prepared before the unit of work and moved into it, so that its
/// serialising is not done on SQLite's single writer thread.
#[derive(Debug, Clone)]
pub struct Query<'q> {
    sql: Cow<'q, str>,
    args: Vec<Arg>,
}

/// A statement to run on a [`Tx`]; bind its parameters in `$N` order.
pub fn query(sql: &str) -> Query<'_> {
    Query {
        sql: Cow::Borrowed(sql),
        args: Vec::new(),
    }
}

/// [`query`] with a text built at run time.
pub fn query_owned(sql: String) -> Query<'static> {
    Query {
        sql: Cow::Owned(sql),
        args: Vec::new(),
    }
}

impl Query<'_> {
    /// The same statement owning its text, to outlive a borrowed one.
    pub fn into_owned(self) -> Query<'static> {
        Query {
            sql: Cow::Owned(self.sql.into_owned()),
            args: self.args,
        }
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub fn args(&self) -> &[Arg] {
        &self.args
    }

    /// Runs the statement on its own, outside any transaction (PostgreSQL's pool).
    pub async fn execute_on(&self, pool: &sqlx::AnyPool) -> sqlx::Result<u64> {
        Ok(self.any().execute(pool).await?.rows_affected())
    }

    /// The first column of the first row, outside any transaction (PostgreSQL's pool).
    pub async fn fetch_one_on<T: Cell>(&self, pool: &sqlx::AnyPool) -> sqlx::Result<T> {
        T::from_any(&self.any().fetch_one(pool).await?)
    }

    /// The cached SQLite statement with this query's parameters bound.
    fn prepared<'c>(
        &self,
        conn: &'c rusqlite::Connection,
    ) -> Result<rusqlite::CachedStatement<'c>> {
        let mut stmt = conn.prepare_cached(&self.sql).map_err(sqlite_error)?;
        bind_sqlite(&mut stmt, &self.args)?;
        Ok(stmt)
    }

    pub fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Runs the statement; the number of rows it changed.
    pub async fn execute(self, tx: &mut Tx) -> Result<u64> {
        match tx {
            Tx::Sqlite(conn) => {
                let mut stmt = self.prepared(conn)?;
                let changed = stmt.raw_execute().map_err(sqlite_error)?;
                Ok(u64::try_from(changed).unwrap_or(u64::MAX))
            }
            Tx::Any(t) => {
                let done = self.any().execute(&mut **t).await?;
                Ok(done.rows_affected())
            }
        }
    }

    /// The first column of every row.
    pub async fn fetch_all<T: Cell>(self, tx: &mut Tx) -> Result<Vec<T>> {
        match tx {
            Tx::Sqlite(conn) => self.rows_in_place(conn),
            Tx::Any(t) => {
                let rows = self.any().fetch_all(&mut **t).await?;
                rows.iter()
                    .map(|r| T::from_any(r).map_err(Error::from))
                    .collect()
            }
        }
    }

    /// The first column of every row, run on this thread over an SQLite connection.
    pub fn rows_in_place<T: Cell>(&self, conn: &rusqlite::Connection) -> Result<Vec<T>> {
        let mut stmt = self.prepared(conn)?;
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(sqlite_error)? {
            out.push(T::from_sqlite(row).map_err(sqlite_error)?);
        }
        Ok(out)
    }

    /// The first column of every row, from a pool (outside any transaction).
    pub async fn fetch_all_on<T: Cell>(&self, pool: &sqlx::AnyPool) -> Result<Vec<T>> {
        let rows = self.any().fetch_all(pool).await?;
        rows.iter()
            .map(|r| T::from_any(r).map_err(Error::from))
            .collect()
    }

    /// The first column of the first row, if there is a row.
    pub async fn fetch_optional<T: Cell>(self, tx: &mut Tx) -> Result<Option<T>> {
        match tx {
            Tx::Sqlite(conn) => {
                let mut stmt = self.prepared(conn)?;
                let mut rows = stmt.raw_query();
                match rows.next().map_err(sqlite_error)? {
                    Some(row) => Ok(Some(T::from_sqlite(row).map_err(sqlite_error)?)),
                    None => Ok(None),
                }
            }
            Tx::Any(t) => match self.any().fetch_optional(&mut **t).await? {
                Some(row) => Ok(Some(T::from_any(&row)?)),
                None => Ok(None),
            },
        }
    }

    /// The first column of the first row; [`Error::NotFound`] without one.
    pub async fn fetch_one<T: Cell>(self, tx: &mut Tx) -> Result<T> {
        self.fetch_optional(tx).await?.ok_or(Error::NotFound)
    }

    fn any(&self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
        let mut q = sqlx::query(&self.sql);
        for arg in self.args.iter().cloned() {
            q = match arg {
                Arg::Text(v) => q.bind(v),
                Arg::Int(v) => q.bind(v),
                Arg::Real(v) => q.bind(v),
            };
        }
        q
    }
}

/// Runs statements built ahead of the unit of work, in order.
pub async fn run_all(tx: &mut Tx, statements: Vec<Query<'static>>) -> Result<()> {
    for q in statements {
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// Binds `$N` by its number, as sqlx does: SQLite numbers named parameters in order of first
/// appearance, which need not be N.
fn bind_sqlite(stmt: &mut rusqlite::Statement<'_>, args: &[Arg]) -> Result<()> {
    for index in 1..=stmt.parameter_count() {
        let n = stmt
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(index);
        let arg = n
            .checked_sub(1)
            .and_then(|i| args.get(i))
            .ok_or_else(|| Error::Corrupt(format!("statement parameter ${n} is not bound")))?;
        let bound = match arg {
            Arg::Text(v) => stmt.raw_bind_parameter(index, v),
            Arg::Int(v) => stmt.raw_bind_parameter(index, v),
            Arg::Real(v) => stmt.raw_bind_parameter(index, v),
        };
        bound.map_err(sqlite_error)?;
    }
    Ok(())
}

/// rusqlite's errors in the store's terms, as [`Error::from`] does for sqlx's.
pub fn sqlite_error(err: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    match &err {
        rusqlite::Error::QueryReturnedNoRows => Error::NotFound,
        rusqlite::Error::SqliteFailure(failure, message) => match failure.code {
            ErrorCode::ConstraintViolation
                if matches!(
                    failure.extended_code,
                    rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                        | rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY
                ) =>
            {
                Error::Conflict {
                    constraint: super::super::error::sqlite_constraint(
                        message.as_deref().unwrap_or(""),
                    ),
                }
            }
            ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::DiskFull
            | ErrorCode::SystemIoFailure
            | ErrorCode::CannotOpen
            | ErrorCode::OutOfMemory => Error::Unavailable(Box::new(err)),
            _ => Error::Database(Box::new(err)),
        },
        _ => Error::Database(Box::new(err)),
    }
}
