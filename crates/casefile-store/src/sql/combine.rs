//! A unit of work made only of prepared writes — conditional updates and inserts — runs on
//! PostgreSQL as **one statement**: each write a writable CTE, then a check that every
//! conditional update touched its row (`casefile_guard`, migration 0005), which otherwise
//! aborts the statement and with it every write. A statement outside a transaction is its own
//! transaction, so the unit is one round trip instead of `BEGIN`, one per write, and `COMMIT`.
//! On SQLite the same steps run one by one inside the writer's group commit.

use sqlx::AnyPool;

use super::guarded::Guarded;
use super::tx::{self, Query, Tx};
use crate::{Error, Result};

/// One write of a unit.
pub enum Step {
    /// Must touch exactly its row, or the unit fails.
    Guarded(Guarded),
    Plain(Query<'static>),
}

impl From<Guarded> for Step {
    fn from(g: Guarded) -> Self {
        Step::Guarded(g)
    }
}

impl From<Query<'static>> for Step {
    fn from(q: Query<'static>) -> Self {
        Step::Plain(q)
    }
}

/// Steps worth one statement: a few writes (a bulk load is better as a transaction of plain
/// statements), well under PostgreSQL's 65,535 bound parameters.
pub fn fits_one_statement(steps: &[Step]) -> bool {
    let params: usize = steps.iter().map(|s| s.query().args().len()).sum();
    steps.len() <= 32 && params <= 4_000
}

impl Step {
    fn query(&self) -> &Query<'static> {
        match self {
            Step::Guarded(g) => g.query(),
            Step::Plain(q) => q,
        }
    }
}

/// Runs the steps in order inside an open transaction.
pub async fn run_in(tx: &mut Tx, steps: Vec<Step>) -> Result<()> {
    for step in steps {
        match step {
            Step::Guarded(g) => g.run(&mut *tx).await?,
            Step::Plain(q) => {
                q.execute(&mut *tx).await?;
            }
        }
    }
    Ok(())
}

/// Runs the steps inside an open transaction: as one statement on PostgreSQL, one by one on
/// SQLite.
pub async fn run_in_one(tx: &mut Tx, steps: Vec<Step>) -> Result<()> {
    match steps.len() {
        0 => Ok(()),
        1 => run_in(tx, steps).await,
        _ if matches!(tx, Tx::Any(_)) && fits_one_statement(&steps) => {
            match combine(&steps, None).execute(&mut *tx).await {
                Ok(_) => Ok(()),
                Err(Error::Database(cause)) if is_guard_failure(cause.as_ref()) => {
                    // The transaction is aborted, so which row went stale cannot be read here.
                    Err(stale())
                }
                Err(e) => Err(e),
            }
        }
        _ => run_in(tx, steps).await,
    }
}

fn stale() -> Error {
    Error::Conflict {
        constraint: "stale_version".to_owned(),
    }
}

fn is_guard_failure(cause: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    cause
        .downcast_ref::<sqlx::Error>()
        .and_then(|e| e.as_database_error())
        .and_then(|db| db.code())
        .is_some_and(|code| code == "CF409")
}

/// Runs the steps as one statement on PostgreSQL. When a guard fails, says which row was
/// missing or stale, as the step-by-step path does.
pub async fn run_combined(pool: &AnyPool, steps: Vec<Step>) -> Result<()> {
    let statement = combine(&steps, None);
    match statement.execute_on(pool).await {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some("CF409") => {
            Err(guard_failure(pool, &steps).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// More writable CTEs after a unit's steps, and the value the statement returns
/// (`result`, a scalar subquery over them).
pub struct Tail {
    pub ctes: Query<'static>,
    pub result: &'static str,
}

/// [`run_combined`] with a tail; the tail's result.
pub async fn run_combined_with(pool: &AnyPool, steps: Vec<Step>, tail: Tail) -> Result<i64> {
    let statement = combine(&steps, Some(&tail));
    match statement.fetch_one_on::<i64>(pool).await {
        Ok(value) => Ok(value),
        Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some("CF409") => {
            Err(guard_failure(pool, &steps).await)
        }
        Err(e) => Err(e.into()),
    }
}

async fn guard_failure(pool: &AnyPool, steps: &[Step]) -> Error {
    for step in steps {
        if let Step::Guarded(g) = step
            && let Some(e) = g.failure(pool).await
        {
            return e;
        }
    }
    // Every row is as expected now: it changed and changed back since.
    stale()
}

/// `WITH s0 AS (…), s1 AS (…)[, tail] SELECT casefile_guard(…)`, parameters renumbered in
/// order; with a tail, `SELECT (result) WHERE casefile_guard(…)`.
fn combine(steps: &[Step], tail: Option<&Tail>) -> Query<'static> {
    let mut ctes = Vec::with_capacity(steps.len() + 1);
    let mut guards = Vec::new();
    let mut args = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let returning = match step {
            Step::Guarded(_) => {
                guards.push(format!("(SELECT count(*) FROM s{i}) = 1"));
                " RETURNING 1"
            }
            Step::Plain(_) => "",
        };
        let q = step.query();
        let sql = renumber(q.sql(), args.len());
        ctes.push(format!("s{i} AS ({sql}{returning})"));
        args.extend(q.args().iter().cloned());
    }
    if let Some(t) = tail {
        ctes.push(renumber(t.ctes.sql(), args.len()));
        args.extend(t.ctes.args().iter().cloned());
    }
    let check = if guards.is_empty() {
        "TRUE".to_owned()
    } else {
        guards.join(" AND ")
    };
    let select = match tail {
        Some(t) => format!("SELECT ({}) WHERE casefile_guard({check})", t.result),
        None => format!("SELECT casefile_guard({check})"),
    };
    let mut q = tx::query_owned(format!("WITH {} {select}", ctes.join(", ")));
    for arg in args {
        q = q.bind(arg);
    }
    q
}

/// `$N` → `$(N + offset)` (our statements bind every value, so `$` only starts a parameter).
fn renumber(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some(&(_, d)) = chars.peek()
            && d.is_ascii_digit()
        {
            digits.push(d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_renumbered_after_the_earlier_steps() {
        assert_eq!(
            renumber("UPDATE t SET a = $1 WHERE id = $12 AND v = $2", 20),
            "UPDATE t SET a = $21 WHERE id = $32 AND v = $22"
        );
        assert_eq!(renumber("SELECT 1", 5), "SELECT 1");
    }

    #[test]
    fn guards_are_checked_once_every_step_ran() {
        let steps = vec![
            Step::Guarded(Guarded::new(
                tx::query("UPDATE t SET a = $1 WHERE id = $2 AND version = $3")
                    .bind(1_i64)
                    .bind("x")
                    .bind(3_i64),
                "t",
                "x",
                3,
            )),
            Step::Plain(tx::query("INSERT INTO e (a) VALUES ($1)").bind("y")),
        ];
        let q = combine(&steps, None);
        assert_eq!(
            q.sql(),
            "WITH s0 AS (UPDATE t SET a = $1 WHERE id = $2 AND version = $3 RETURNING 1), \
             s1 AS (INSERT INTO e (a) VALUES ($4)) \
             SELECT casefile_guard((SELECT count(*) FROM s0) = 1)"
        );
        assert_eq!(q.args().len(), 4);
    }
}
