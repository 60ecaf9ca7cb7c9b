//! A schema version as stored: its name, number, whether it is enabled, and its `jsonSchema`
//! document (parsed into a [`super::Definition`] when fields are validated).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Timestamp;

/// One version of a workitem schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub enabled: bool,
    pub json_schema: Value,
    pub created_by: Option<String>,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
}
