//! The built-in limits of schemas, attributes and core types, with their sources (see the
//! module documentation of [`super`]).

/// Custom attributes per schema (Genesys help).
pub const MAX_ATTRIBUTES: usize = 50;
/// Schemas per organization (Genesys help).
pub const MAX_SCHEMAS: usize = 100;
/// Schema names are 1 to 50 characters (Terraform provider).
pub const SCHEMA_NAME_MIN: usize = 1;
pub const SCHEMA_NAME_MAX: usize = 50;
/// casefile's choices (see the module documentation).
pub const SCHEMA_DESCRIPTION_MAX: usize = 512;
pub const FIELD_NAME_MAX: usize = 100;
pub const FIELD_TITLE_MAX: usize = 256;
pub const FIELD_DESCRIPTION_MAX: usize = 512;
/// Built-in maximum lengths of the text-like core types.
pub const TEXT_MAX_LENGTH: u64 = 100;
pub const LONGTEXT_MAX_LENGTH: u64 = 1000;
pub const URL_MAX_LENGTH: u64 = 200;
pub const IDENTIFIER_MAX_LENGTH: u64 = 100;
/// An enum has 1 to 50 values of 1 to 100 characters.
pub const ENUM_VALUES_MAX: usize = 50;
pub const ENUM_VALUE_MAX_LENGTH: u64 = 100;
/// A tag attribute holds at most 10 tags of 1 to 100 characters.
pub const TAG_ITEMS_MAX: u64 = 10;
pub const TAG_MAX_LENGTH: u64 = 100;
/// Integers and numbers range over ±(2^53 − 1).
pub const NUMBER_LIMIT: i64 = 9_007_199_254_740_991;
/// The JSON-schema dialect Genesys schemas declare.
pub const JSON_SCHEMA_DRAFT: &str = "http://json-schema.org/draft-04/schema#";
