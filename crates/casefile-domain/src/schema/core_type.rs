//! The eleven Genesys core types custom attributes are built on.

use std::fmt;

use super::limits::{IDENTIFIER_MAX_LENGTH, LONGTEXT_MAX_LENGTH, TEXT_MAX_LENGTH, URL_MAX_LENGTH};

/// The Genesys core types custom attributes are built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CoreType {
    Text,
    Longtext,
    Url,
    Identifier,
    Enum,
    Tag,
    Date,
    Datetime,
    Integer,
    Number,
    Checkbox,
}

impl CoreType {
    pub const ALL: [CoreType; 11] = [
        CoreType::Text,
        CoreType::Longtext,
        CoreType::Url,
        CoreType::Identifier,
        CoreType::Enum,
        CoreType::Tag,
        CoreType::Date,
        CoreType::Datetime,
        CoreType::Integer,
        CoreType::Number,
        CoreType::Checkbox,
    ];

    /// The name as Genesys spells it: in `$ref`s, name suffixes and the coretypes API.
    pub fn name(self) -> &'static str {
        match self {
            CoreType::Text => "text",
            CoreType::Longtext => "longtext",
            CoreType::Url => "url",
            CoreType::Identifier => "identifier",
            CoreType::Enum => "enum",
            CoreType::Tag => "tag",
            CoreType::Date => "date",
            CoreType::Datetime => "datetime",
            CoreType::Integer => "integer",
            CoreType::Number => "number",
            CoreType::Checkbox => "checkbox",
        }
    }

    pub fn parse(name: &str) -> Option<CoreType> {
        CoreType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// `#/definitions/<name>`, the reference an attribute's `allOf` carries.
    pub fn reference(self) -> String {
        format!("#/definitions/{}", self.name())
    }

    pub fn from_reference(reference: &str) -> Option<CoreType> {
        reference
            .strip_prefix("#/definitions/")
            .and_then(CoreType::parse)
    }

    /// The built-in maximum length of a text-like core type; `None` for the others.
    pub fn max_length_limit(self) -> Option<u64> {
        match self {
            CoreType::Text => Some(TEXT_MAX_LENGTH),
            CoreType::Longtext => Some(LONGTEXT_MAX_LENGTH),
            CoreType::Url => Some(URL_MAX_LENGTH),
            CoreType::Identifier => Some(IDENTIFIER_MAX_LENGTH),
            _ => None,
        }
    }

    /// The schema keywords an attribute of this core type may carry, besides
    /// `allOf`, `title`, `description` and `default`.
    pub(super) fn keywords(self) -> &'static [&'static str] {
        match self {
            CoreType::Text | CoreType::Longtext | CoreType::Url | CoreType::Identifier => {
                &["minLength", "maxLength"]
            }
            CoreType::Integer | CoreType::Number => &["minimum", "maximum"],
            CoreType::Enum => &["enum", "_enumProperties"],
            CoreType::Tag => &["items", "minItems", "maxItems", "uniqueItems"],
            CoreType::Date | CoreType::Datetime | CoreType::Checkbox => &[],
        }
    }
}

impl fmt::Display for CoreType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
