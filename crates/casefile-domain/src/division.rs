//! Divisions: the partitions that every object belongs to and that grants are scoped by.

use crate::Invalid;
use crate::invalid::{optional_text, required_text};

pub const NAME_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 1024;

/// A division's editable fields, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub name: String,
    pub description: Option<String>,
}

impl Fields {
    pub fn parse(name: &str, description: Option<&str>) -> Result<Self, Invalid> {
        Ok(Self {
            name: required_text("name", name, 1, NAME_MAX)?,
            description: optional_text("description", description, DESCRIPTION_MAX)?,
        })
    }
}
