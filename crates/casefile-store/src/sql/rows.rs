//! Conversions between stored columns and Rust values.

use casefile_domain::Timestamp;
use chrono::TimeZone;

use crate::{Error, Result};

/// Instants are stored as integer milliseconds since the Unix epoch, UTC.
pub fn millis(at: Timestamp) -> i64 {
    at.timestamp_millis()
}

pub fn instant(ms: i64) -> Result<Timestamp> {
    chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| Error::Corrupt(format!("timestamp {ms} out of range")))
}

pub fn parse_json(text: Option<String>) -> Result<Option<serde_json::Value>> {
    Ok(match text {
        Some(t) => Some(serde_json::from_str(&t)?),
        None => None,
    })
}
