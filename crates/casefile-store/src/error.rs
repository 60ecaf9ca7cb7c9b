//! The storage layer's one error type.

/// What can go wrong in storage, in terms callers can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference rule refused the write; `constraint` names it.
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    /// The row changed since it was read.
    #[error("version mismatch: stored version is {current}")]
    VersionMismatch { current: i64 },
    /// The database cannot be reached or is out of resources; worth retrying.
    #[error("storage unavailable")]
    Unavailable(#[source] Cause),
    /// A stored value could not be read back (corruption or a bug).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database refused a value the caller gave (PostgreSQL's SQLSTATE class 22, data
    /// exceptions such as U+0000 in text or a number out of range): the caller's mistake.
    #[error("the database refused a value: {0}")]
    InvalidInput(#[source] Cause),
    /// The database URL is not one casefile can use.
    #[error("{0}")]
    InvalidUrl(String),
    #[error("database error")]
    Database(#[source] Cause),
}

/// The database driver's own error behind an [`Error`].
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => Error::NotFound,
            sqlx::Error::Io(_) => {
                crate::lost_connections::lost();
                Error::Unavailable(Box::new(err))
            }
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
                Error::Unavailable(Box::new(err))
            }
            sqlx::Error::Database(ref db) => {
                use sqlx::error::ErrorKind;
                match db.kind() {
                    ErrorKind::UniqueViolation | ErrorKind::ForeignKeyViolation => {
                        Error::Conflict {
                            constraint: db
                                .constraint()
                                .map(str::to_owned)
                                .unwrap_or_else(|| sqlite_constraint(db.message())),
                        }
                    }
                    _ if is_resource_exhausted(db.code().as_deref()) => {
                        Error::Unavailable(Box::new(err))
                    }
                    _ if is_data_exception(db.code().as_deref()) => {
                        Error::InvalidInput(Box::new(err))
                    }
                    _ => Error::Database(Box::new(err)),
                }
            }
            other => Error::Database(Box::new(other)),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        Error::Corrupt(err.to_string())
    }
}

/// SQLite names the columns, not the constraint: "UNIQUE constraint failed: users.email".
pub(crate) fn sqlite_constraint(message: &str) -> String {
    message
        .split_once(": ")
        .map(|(_, cols)| cols.to_owned())
        .unwrap_or_else(|| message.to_owned())
}

/// SQLITE_BUSY (5), SQLITE_LOCKED (6), SQLITE_FULL (13), SQLITE_IOERR (10); PostgreSQL
/// classes 53 (insufficient resources), 57P (shutdown) and 08 (connection).
fn is_resource_exhausted(code: Option<&str>) -> bool {
    match code {
        Some(c) => {
            matches!(c, "5" | "6" | "10" | "13" | "517" | "261")
                || c.starts_with("53")
                || c.starts_with("57P")
                || c.starts_with("08")
                // SQLite's extended result codes (at most four digits); a PostgreSQL
                // SQLSTATE is five characters and may be all digits too (22021 is a data
                // error, not SQLite's BUSY that its low byte would read as).
                || ((3..5).contains(&c.len())
                    && c.parse::<i64>()
                        .is_ok_and(|n| matches!(n & 0xff, 5 | 6 | 10 | 13)))
        }
        None => false,
    }
}

/// PostgreSQL's class 22 (data exception: invalid text, numeric overflow, bad casts) and
/// SQLite's SQLITE_TOOBIG (18): the value, not the database, is at fault.
fn is_data_exception(code: Option<&str>) -> bool {
    code.is_some_and(|c| (c.len() == 5 && c.starts_with("22")) || c == "18")
}

#[cfg(test)]
mod tests {
    use super::{is_data_exception, is_resource_exhausted};

    #[test]
    fn data_exceptions_are_the_callers() {
        for code in ["22021", "22P05", "22003", "18"] {
            assert!(is_data_exception(Some(code)), "{code}");
        }
        for code in ["23505", "53300", "5", "22", "2201"] {
            assert!(!is_data_exception(Some(code)), "{code}");
        }
    }

    #[test]
    fn only_outages_count_as_resource_exhaustion() {
        for outage in ["5", "6", "261", "517", "53300", "57P01", "08006", "773"] {
            assert!(is_resource_exhausted(Some(outage)), "{outage}");
        }
        // PostgreSQL data errors whose digits would read as SQLite's BUSY or LOCKED.
        for data_error in ["22021", "22P05", "23505", "22P02", "1555"] {
            assert!(!is_resource_exhausted(Some(data_error)), "{data_error}");
        }
    }
}
