//! Task management: workbins, worktypes with their statuses, and workitems.
//!
//! `Serialize`/`Deserialize` on these types define their storage form (JSON documents);
//! wire DTOs live in the server's `api::taskmanagement` modules.

pub mod status;
pub mod workbin;
pub mod workitem;
pub mod worktype;

use crate::Invalid;

/// Priorities range over ±25,000,000 as in Genesys.
pub const PRIORITY_MAX: i64 = 25_000_000;
/// Durations, TTLs and due/expiry offsets are capped at 365 days.
pub const SECONDS_MAX: i64 = 365 * 24 * 3600;
/// Names are 3 to 256 characters; descriptions at most 512.
pub const NAME_MIN: usize = 3;
pub const NAME_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 512;
pub const SKILLS_MAX: usize = 20;

pub fn check_priority(field: &str, value: i64) -> Result<i64, Invalid> {
    if !(-PRIORITY_MAX..=PRIORITY_MAX).contains(&value) {
        return Err(Invalid::new(
            field,
            format!("must be between -{PRIORITY_MAX} and {PRIORITY_MAX}"),
        ));
    }
    Ok(value)
}

pub fn check_seconds(field: &str, value: i64, min: i64) -> Result<i64, Invalid> {
    if !(min..=SECONDS_MAX).contains(&value) {
        return Err(Invalid::new(
            field,
            format!("must be between {min} and {SECONDS_MAX} seconds (365 days)"),
        ));
    }
    Ok(value)
}

pub fn name(field: &str, value: &str) -> Result<String, Invalid> {
    crate::invalid::required_text(field, value, NAME_MIN, NAME_MAX)
}

pub fn description(value: Option<&str>) -> Result<Option<String>, Invalid> {
    crate::invalid::optional_text("description", value, DESCRIPTION_MAX)
}
