//! Workbins: team inboxes that hold workitems.

use serde::{Deserialize, Serialize};

use crate::{Invalid, Timestamp};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workbin {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub division_id: String,
    pub version: i64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub modified_by: Option<String>,
}

impl Workbin {
    pub fn validate(&self) -> Result<(), Invalid> {
        super::name("name", &self.name)?;
        super::description(self.description.as_deref())?;
        Ok(())
    }
}
