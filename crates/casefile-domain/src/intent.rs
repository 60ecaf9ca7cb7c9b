//! Customer intents (why a customer gets in touch) and the categories that group them.
//!
//! `Serialize`/`Deserialize` here define the storage form (configuration documents); wire
//! DTOs live in the server's `api::intents`.

use serde::{Deserialize, Serialize};

use crate::invalid::{optional_text, required_text};
use crate::{Invalid, Timestamp};

pub const NAME_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 1024;
/// An intent expires at most a year (8,760 hours) after it was detected.
pub const EXPIRY_HOURS_MAX: i64 = 365 * 24;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub modified_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intent {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// Hours after which an intent detected for a customer no longer applies.
    pub expiry_time: Option<i64>,
    pub category_id: Option<String>,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub modified_by: Option<String>,
}

pub fn name(value: &str) -> Result<String, Invalid> {
    required_text("name", value, 1, NAME_MAX)
}

pub fn description(value: Option<&str>) -> Result<Option<String>, Invalid> {
    optional_text("description", value, DESCRIPTION_MAX)
}

pub fn expiry_time(value: Option<i64>) -> Result<Option<i64>, Invalid> {
    match value {
        Some(h) if !(1..=EXPIRY_HOURS_MAX).contains(&h) => Err(Invalid::new(
            "expiryTime",
            format!("must be between 1 and {EXPIRY_HOURS_MAX} hours, got {h}"),
        )),
        other => Ok(other),
    }
}

impl Category {
    /// Normalises (trims) and checks the caller's fields.
    pub fn validate(mut self) -> Result<Category, Invalid> {
        self.name = name(&self.name)?;
        self.description = description(self.description.as_deref())?;
        Ok(self)
    }
}

impl Intent {
    /// Normalises (trims) and checks the caller's fields; whether the category exists is
    /// the caller's to check.
    pub fn validate(mut self) -> Result<Intent, Invalid> {
        self.name = name(&self.name)?;
        self.description = description(self.description.as_deref())?;
        self.expiry_time = expiry_time(self.expiry_time)?;
        if let Some(c) = &self.category_id
            && c.trim().is_empty()
        {
            self.category_id = None;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn intent() -> Intent {
        let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        Intent {
            id: "i".into(),
            name: "  Cancel subscription ".into(),
            description: Some("  ".into()),
            expiry_time: Some(48),
            category_id: Some("".into()),
            version: 1,
            date_created: now,
            date_modified: now,
            modified_by: None,
        }
    }

    #[test]
    fn intents_are_trimmed() {
        let i = intent().validate().unwrap();
        assert_eq!(i.name, "Cancel subscription");
        assert_eq!(i.description, None);
        assert_eq!(i.category_id, None);
    }

    #[test]
    fn bad_intents_name_the_field() {
        let err = Intent {
            name: " ".into(),
            ..intent()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field, "name");
        let err = Intent {
            name: "x".repeat(NAME_MAX + 1),
            ..intent()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field, "name");
        for bad in [0, -1, EXPIRY_HOURS_MAX + 1] {
            let err = Intent {
                expiry_time: Some(bad),
                ..intent()
            }
            .validate()
            .unwrap_err();
            assert_eq!(err.field, "expiryTime");
        }
        let err = Intent {
            description: Some("x".repeat(DESCRIPTION_MAX + 1)),
            ..intent()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field, "description");
    }

    #[test]
    fn categories_need_a_name() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let c = Category {
            id: "c".into(),
            name: "".into(),
            description: None,
            version: 1,
            date_created: now,
            date_modified: now,
            modified_by: None,
        };
        assert_eq!(c.validate().unwrap_err().field, "name");
    }
}
