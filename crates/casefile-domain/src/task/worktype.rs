//! Worktypes: what a kind of workitem is, its defaults and its statuses.

use serde::{Deserialize, Serialize};

use super::{SKILLS_MAX, check_priority, check_seconds};
use crate::{Invalid, Timestamp};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Worktype {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub division_id: String,
    pub default_workbin_id: String,
    pub default_status_id: Option<String>,
    pub default_duration_seconds: Option<i64>,
    pub default_expiration_seconds: Option<i64>,
    pub default_due_duration_seconds: Option<i64>,
    pub default_priority: i64,
    pub default_ttl_seconds: Option<i64>,
    pub assignment_enabled: bool,
    pub schema_id: Option<String>,
    pub schema_version: Option<i64>,
    pub service_level_target: i64,
    pub default_queue_id: Option<String>,
    pub default_language_id: Option<String>,
    pub default_skill_ids: Vec<String>,
    pub default_script_id: Option<String>,
    pub unassigned_division_contacts_enabled: bool,
    pub flow_rules_enabled: bool,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub modified_by: Option<String>,
}

impl Worktype {
    pub fn validate(&self) -> Result<(), Invalid> {
        super::name("name", &self.name)?;
        super::description(self.description.as_deref())?;
        check_priority("defaultPriority", self.default_priority)?;
        for (field, value, min) in [
            ("defaultDurationSeconds", self.default_duration_seconds, 1),
            (
                "defaultExpirationSeconds",
                self.default_expiration_seconds,
                1,
            ),
            (
                "defaultDueDurationSeconds",
                self.default_due_duration_seconds,
                1,
            ),
            ("defaultTtlSeconds", self.default_ttl_seconds, 1),
        ] {
            if let Some(v) = value {
                check_seconds(field, v, min)?;
            }
        }
        if let (Some(due), Some(expires)) = (
            self.default_due_duration_seconds,
            self.default_expiration_seconds,
        ) && due > expires
        {
            return Err(Invalid::new(
                "defaultDueDurationSeconds",
                "must not be after defaultExpirationSeconds",
            ));
        }
        if self.default_skill_ids.len() > SKILLS_MAX {
            return Err(Invalid::new(
                "defaultSkillIds",
                format!("at most {SKILLS_MAX} skills"),
            ));
        }
        if !(0..=100).contains(&self.service_level_target) {
            return Err(Invalid::new(
                "serviceLevelTarget",
                "must be between 0 and 100",
            ));
        }
        if self.schema_version.is_some() && self.schema_id.is_none() {
            return Err(Invalid::new("schemaVersion", "needs schemaId"));
        }
        if self.schema_version.is_some_and(|v| v < 1) {
            return Err(Invalid::new("schemaVersion", "must be 1 or more"));
        }
        Ok(())
    }
}
