//! The eleven Genesys core types custom attributes are built on.

use std::fmt;

use super::limits::{IDENTIFIER_MAX_LENGTH, LONGTEXT_MAX_LENGTH, TEXT_MAX_LENGTH, URL_MAX_LENGTH};

/// A date, `YYYY-MM-DD`.
const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";
/// A date-time with seconds and an offset, as RFC 3339 writes it.
const DATETIME_PATTERN: &str =
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$";

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

    /// The core type's title, as the core-type catalogue shows it.
    pub fn title(self) -> &'static str {
        match self {
            CoreType::Text => "Text",
            CoreType::Longtext => "Long text",
            CoreType::Url => "URL",
            CoreType::Identifier => "Identifier",
            CoreType::Enum => "Enum",
            CoreType::Tag => "Tag",
            CoreType::Date => "Date",
            CoreType::Datetime => "Date time",
            CoreType::Integer => "Integer",
            CoreType::Number => "Number",
            CoreType::Checkbox => "Checkbox",
        }
    }

    /// One sentence on the values of this core type and their built-in limits.
    pub fn summary(self) -> &'static str {
        match self {
            CoreType::Text => "A single-line string of at most 100 characters.",
            CoreType::Longtext => "A multi-line string of at most 1000 characters.",
            CoreType::Url => "An absolute http or https URL of at most 200 characters.",
            CoreType::Identifier => "An identifying string of at most 100 characters.",
            CoreType::Enum => "One of a list of at most 50 string values.",
            CoreType::Tag => "A list of at most 10 unique strings of at most 100 characters.",
            CoreType::Date => "A calendar date, YYYY-MM-DD (ISO-8601).",
            CoreType::Datetime => {
                "An instant, ISO-8601 with an offset; stored in UTC as YYYY-MM-DDTHH:mm:ss.sssZ."
            }
            CoreType::Integer => "A whole number between -9007199254740991 and 9007199254740991.",
            CoreType::Number => "A number between -9007199254740991 and 9007199254740991.",
            CoreType::Checkbox => "A boolean.",
        }
    }

    /// The JSON Schema `type` of this core type's values.
    pub fn value_type(self) -> &'static str {
        match self {
            CoreType::Tag => "array",
            CoreType::Integer => "integer",
            CoreType::Number => "number",
            CoreType::Checkbox => "boolean",
            _ => "string",
        }
    }

    /// The JSON Schema `type` of the items of a list-like core type (an enum's values, a
    /// tag's tags); `None` for the others.
    pub fn item_type(self) -> Option<&'static str> {
        match self {
            CoreType::Enum | CoreType::Tag => Some("string"),
            _ => None,
        }
    }

    /// The regular expression string values of this core type match (dates and date-times);
    /// `None` for the others.
    pub fn pattern(self) -> Option<&'static str> {
        match self {
            CoreType::Date => Some(DATE_PATTERN),
            CoreType::Datetime => Some(DATETIME_PATTERN),
            _ => None,
        }
    }

    /// The schema keywords an attribute of this core type may carry, besides
    /// `allOf`, `title`, `description` and `default`.
    pub fn keywords(self) -> &'static [&'static str] {
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
