//! casefile's domain: types, validation rules and decisions.
//!
//! Architecture invariant: nothing in this crate does IO or reads the clock.
//! Functions take the state and `now` and return the outcome; callers persist it.

pub mod authz;
pub mod case;
pub mod contact;
pub mod division;
pub mod intent;
pub mod invalid;
pub mod schema;
pub mod task;
pub mod user;

pub use invalid::Invalid;

/// Every instant casefile stores or compares, always UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
