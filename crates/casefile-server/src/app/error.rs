//! The use cases' one error type. It says what went wrong in the caller's terms — an object
//! not found, a permission missing, a field invalid, a constraint or a newer version in the
//! way, the database unavailable, an internal fault with its cause — and knows nothing of
//! HTTP: the API maps it to the Genesys error body (`crate::error`), the web pages to a page.

use casefile_domain::Invalid;
use casefile_domain::authz::{Permission, Refusal};

/// `Result` with the use cases' error by default.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The object does not exist, or the caller may not know it does.
    #[error("the requested {what} was not found")]
    NotFound { what: String },
    /// The caller is known but lacks `permission`.
    #[error("missing the permission {permission} for this action")]
    Forbidden { permission: Permission },
    /// The caller could not be identified (bad credentials, an expired token).
    #[error("{message}")]
    Unauthenticated { message: String },
    /// The input is wrong; `field` is its wire name when one field is to blame. `code` is
    /// the Genesys error code (`invalid.value` for a field, `bad.request` otherwise).
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        code: &'static str,
        message: String,
    },
    /// The change conflicts with other data (`constraint` names it when the store did).
    #[error("{message}")]
    Conflict {
        constraint: Option<String>,
        message: String,
    },
    /// A concurrent writer got there first: the object is now at version `current`.
    /// `precondition` is true when the caller named the version it expected (`If-Match`).
    #[error("the object changed meanwhile; it is now at version {current}")]
    Stale { current: i64, precondition: bool },
    /// Too many requests from this caller; retry after so many seconds.
    #[error("rate limit exceeded; retry after {retry_after} seconds")]
    RateLimited { retry_after: u64 },
    /// The database (or another dependency) cannot be reached; worth retrying shortly.
    #[error("the service is temporarily unavailable: {0:#}")]
    Unavailable(anyhow::Error),
    /// A fault of ours; the cause is logged, never shown.
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl Error {
    pub fn bad_request(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        Self::Invalid {
            message: format!("{field}: {}", message.into()),
            field: Some(field),
            code: "invalid.value",
        }
    }

    pub fn bad_request_message(message: impl Into<String>) -> Self {
        Self::Invalid {
            field: None,
            code: "bad.request",
            message: message.into(),
        }
    }

    /// Invalid input with its own Genesys error code.
    pub fn invalid_with_code(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: None,
            code,
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::NotFound {
            what: what.to_owned(),
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::Unauthenticated {
            message: message.into(),
        }
    }

    pub fn forbidden(permission: Permission) -> Self {
        Self::Forbidden { permission }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            constraint: None,
            message: message.into(),
        }
    }

    pub fn version_mismatch(current: i64) -> Self {
        Self::Stale {
            current,
            precondition: false,
        }
    }

    pub fn precondition_failed(current: i64) -> Self {
        Self::Stale {
            current,
            precondition: true,
        }
    }

    pub fn too_many_requests(retry_after: u64) -> Self {
        Self::RateLimited { retry_after }
    }

    pub fn unavailable(cause: anyhow::Error) -> Self {
        Self::Unavailable(cause)
    }

    pub fn internal(cause: anyhow::Error) -> Self {
        Self::Internal(cause)
    }

    pub fn from_refusal(refusal: Refusal, what: &str) -> Self {
        match refusal {
            Refusal::Hidden => Self::not_found(what),
            Refusal::Forbidden(permission) => Self::forbidden(permission),
        }
    }

    /// The stable machine-readable code (the Genesys error code), kept with a failed job item.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "not.found",
            Self::Forbidden { .. } => "missing.permissions",
            Self::Unauthenticated { .. } => "bad.credentials",
            Self::Invalid { code, .. } => code,
            Self::Conflict { .. } => "conflict",
            Self::Stale {
                precondition: false,
                ..
            } => "version.mismatch",
            Self::Stale {
                precondition: true, ..
            } => "precondition.failed",
            Self::RateLimited { .. } => "too.many.requests",
            Self::Unavailable(_) => "service.unavailable",
            Self::Internal(_) => "internal.server.error",
        }
    }

    /// What the caller is told; an outage's or a fault's cause is never part of it.
    pub fn message(&self) -> String {
        match self {
            Self::Stale {
                current,
                precondition: false,
            } => format!(
                "the version supplied does not match the current version {current}; read the object again"
            ),
            Self::Stale {
                current,
                precondition: true,
            } => format!(
                "If-Match does not match the current version {current}; read the object again"
            ),
            Self::Unavailable(_) => {
                "the service is temporarily unavailable; retry shortly".to_owned()
            }
            Self::Internal(_) => "an internal error occurred".to_owned(),
            other => other.to_string(),
        }
    }

    /// The wire name of the field to blame, if one is.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// True when a concurrent writer won (the caller may read again and retry).
    pub fn is_lost_race(&self) -> bool {
        matches!(self, Self::Stale { .. })
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }

    /// For an object the caller refers to by id in a field: a missing one (or one the caller
    /// may not see) is the caller's invalid input naming that field; any other failure (an
    /// outage, say) stays what it is.
    pub fn missing_as<E: Into<Error>>(
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> impl FnOnce(E) -> Error {
        move |err| match err.into() {
            Error::NotFound { .. } | Error::Forbidden { .. } => Error::bad_request(field, message),
            other => other,
        }
    }

    /// The same error with its field placed under `prefix` (`stageplans[0].stepplan.` + field).
    pub fn under(self, prefix: &str) -> Self {
        match self {
            Self::Invalid {
                field,
                code,
                message,
            } => Self::Invalid {
                field: Some(format!("{prefix}{}", field.unwrap_or_default())),
                code,
                message,
            },
            other => other,
        }
    }
}

impl From<Invalid> for Error {
    fn from(invalid: Invalid) -> Self {
        Error::bad_request(invalid.field, invalid.message)
    }
}

impl From<casefile_store::Error> for Error {
    fn from(err: casefile_store::Error) -> Self {
        use casefile_store::Error as E;
        match err {
            E::NotFound => Error::not_found("object"),
            E::VersionMismatch { current } => Error::version_mismatch(current),
            E::Conflict { constraint } => Error::Conflict {
                message: format!("the change conflicts with existing data ({constraint})"),
                constraint: Some(constraint),
            },
            E::Unavailable(_) => Error::Unavailable(err.into()),
            E::InvalidInput(cause) => {
                // The edge refuses what it can name (e.g. U+0000); this is the backstop.
                tracing::warn!(cause = %cause, "the database refused a value");
                Error::bad_request_message("a value in the request cannot be stored")
            }
            other => Error::Internal(other.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_reference_names_the_field_but_an_outage_stays_an_outage() {
        let missing = Error::missing_as("workbinId", "workbin not found")(Error::not_found("x"));
        assert!(
            matches!(&missing, Error::Invalid { field: Some(f), .. } if f == "workbinId"),
            "{missing:?}"
        );
        let outage = Error::missing_as("workbinId", "workbin not found")(Error::unavailable(
            anyhow::anyhow!("connection refused"),
        ));
        assert!(matches!(outage, Error::Unavailable(_)), "{outage:?}");
    }

    #[test]
    fn under_prefixes_the_field() {
        let e = Error::bad_request("worktypeId", "worktype not found").under("stageplans[1].");
        assert!(
            matches!(&e, Error::Invalid { field: Some(f), .. } if f == "stageplans[1].worktypeId")
        );
    }
}
