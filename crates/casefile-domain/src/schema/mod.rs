//! Custom attribute schemas: the Genesys "DataSchema" `jsonSchema` documents that define a
//! workitem's `customFields`, and the validation of those fields.
//!
//! A schema is a JSON-schema (draft-04) document whose `properties` are custom attributes,
//! each built on one Genesys **core type** and named with it as a suffix:
//!
//! ```json
//! "price_number": {
//!   "allOf": [{ "$ref": "#/definitions/number" }],
//!   "title": "Price", "description": "…", "minimum": 0, "maximum": 1000
//! }
//! ```
//!
//! # What the sources say, and what casefile decided
//!
//! Shapes (all from real payloads, used as test fixtures in `tests/samples.rs`):
//! - `MyPureCloud/terraform-provider-genesyscloud`,
//!   `examples/resources/genesyscloud_task_management_workitem_schema/resource.tf` and
//!   `genesyscloud/task_management_workitem/resource_genesyscloud_task_management_workitem_test.go`
//!   (`TestAccResourceTaskManagementWorkitemCustomFields`): one attribute of every core type
//!   (`custom_attribute_N_<type>`), with `minLength`/`maxLength` 0/100 (text, identifier),
//!   0/1000 (longtext), 0/200 (url), `minimum`/`maximum` (integer, number), `enum` +
//!   `_enumProperties` `{value: {"title", "_disabled"}}`, and for tags `items.minLength` 1,
//!   `items.maxLength` 100, `minItems` 0, `maxItems` 10, `uniqueItems` true; and the workitem
//!   `customFields` the provider writes against it (`"https://www.test.com"`, `"2021-01-01"`,
//!   `"2021-01-01T00:00:00.000Z"`, `8`, `9` for a number, `true`, `["tag_1", "tag_2"]`).
//! - The provider's `resource_genesyscloud_task_management_workitem_schema_test.go` builds
//!   names as `<title>_<type>` from titles such as `Custom_longtext_attribute`: Genesys accepts
//!   upper-case letters in names. Its `BuildSdkWorkitemSchema` sends `$schema`
//!   `http://json-schema.org/draft-04/schema#`, `title` (= the schema name), `description`
//!   and `properties`; a schema may have no `properties` at all. Its resource caps the schema
//!   name at 1–50 characters.
//! - The Genesys Java SDK `DataSchema` model's example (`field1_text` … `field10_tag`): a
//!   number attribute with decimal bounds (`2.7`–`31.3`) and an `enum` without
//!   `_enumProperties`. A Genesys external-contacts sample (JavaScript) shows `description: ''`
//!   and camel-case names (`yourNumber_number`).
//! - The Genesys SDK models (`genesys-contract`): `JsonSchemaDocument` has `id`, `$schema`,
//!   `title`, `description`, `type`, `required`, `properties`, `additionalProperties`;
//!   `Coretype` has `name`, `version`, `dateCreated`, `schema` (`title`, `description`,
//!   `type[]`, `items`, `pattern` for date/datetime), `current`, `validationFields`,
//!   `validationLimits` (`minLength`, `maxLength`, `minItems`, `maxItems`, `minimum`,
//!   `maximum`, each `{min, max}`), `itemValidationFields`, `itemValidationLimits`;
//!   `SchemaQuantityLimits` names the field-name/title/description and per-org limits.
//!
//! Built-in limits:
//! - Genesys help "Create custom attributes for work automation": 100 schemas per
//!   organization, 50 custom attributes per schema.
//! - Genesys help "Custom field types" (external contacts, built on the same core types):
//!   text 100 characters, longtext ("Text Area") 1000, url 200, identifier 100, enum
//!   ("Dropdown") 50 options of at most 100 characters, tag 10 tags of at most 100 characters.
//! - Genesys help "Create conversation schemas" (same data-schema service): integers range over
//!   ±9,007,199,254,740,991 (2^53 − 1); dates are `YYYY-MM-DD`; date-times are GMT
//!   `YYYY-MM-DDTHH:mm:ss.sssZ`; enum values and their `_enumProperties` titles are unique.
//!
//! casefile's own choices, where no source was found (stated so they can be revisited):
//! - **Names**: `^[A-Za-z][A-Za-z0-9_]*_<coretype>$`, at most [`FIELD_NAME_MAX`] characters;
//!   the `$ref` must name the same core type as the suffix. Titles 1–[`FIELD_TITLE_MAX`],
//!   descriptions 0–[`FIELD_DESCRIPTION_MAX`] characters (empty descriptions occur in samples).
//! - **Strictness**: keywords casefile does not implement, or that do not apply to the
//!   attribute's core type (`minLength` on an integer), are refused rather than dropped
//!   (docs/style.md: Genesys fields casefile does not keep are refused). `null` counts as absent,
//!   as SDKs may serialise unset fields. `additionalProperties` must be `false` or absent.
//! - **Lengths** count Unicode scalar values (JSON Schema's "characters"; `é` is 1, `😀` is 1,
//!   `e` + combining accent is 2). Strings are not trimmed.
//! - **number** uses the same ±(2^53 − 1) range as integer.
//! - **integer** values must be JSON integers: `1.5`, `1.0`, `1e3` and `"5"` are refused
//!   (draft-04 validators on the JVM treat `1.0` as a double). `-0.0` given to a number is
//!   stored as `0.0`.
//! - **url**: an absolute `http`/`https` URL with a host, without whitespace; `ftp://` and
//!   scheme-less `www.example.com` are refused ("a single-line string that links to a webpage").
//! - **datetime**: RFC 3339 with seconds and an offset (`Z` or `±HH:MM`), stored in UTC as
//!   `YYYY-MM-DDTHH:mm:ss.sssZ`; digits beyond milliseconds are truncated; leap seconds and
//!   instants outside years 0000–9999 (after conversion to UTC) are refused.
//! - **tag** items are non-empty (so `items.minLength` is at least 1), unique by exact match.
//! - **enum**: a disabled value cannot be set, but a value a workitem already holds stays
//!   valid when other fields change ([`merge_fields`]).
//! - `default` is validated like a value and kept, but not applied to workitems here.
//!
//! # Layout
//!
//! One concept per file, each using only the ones before it: `limits` (the numbers above),
//! `core_type` (the eleven core types), `definition` ([`Definition`] and its
//! [`Attribute`]s, and their canonical `jsonSchema`), `format` (date, date-time and URL
//! values), `validation` (`customFields` against a definition), `parse` (a `jsonSchema`
//! document, and a DataSchema's name and description, from the API). The HTTP API builds its
//! coretypes and limits bodies from `core_type` (titles, summaries, value types, patterns) and
//! `limits`; this module builds no wire JSON. Tests are in `tests/`, one file per file.

mod core_type;
mod definition;
mod format;
mod limits;
mod parse;
mod validation;
mod version;

pub use core_type::CoreType;
pub use definition::{Attribute, Definition};
pub use limits::*;
pub use parse::{parse, schema_description, schema_name};
pub use validation::{merge_fields, validate_fields};
pub use version::Version;

#[cfg(test)]
mod tests;
