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
//! Shapes (all from real payloads, used as test fixtures below):
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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use serde_json::{Map, Number, Value, json};

use crate::Invalid;
use crate::invalid::{optional_text, required_text, text_length};

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

const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";
const DATETIME_PATTERN: &str =
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$";
const ROOT: &str = "jsonSchema";

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

    fn title(self) -> &'static str {
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

    fn summary(self) -> &'static str {
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

    /// The schema keywords an attribute of this core type may carry, besides
    /// `allOf`, `title`, `description` and `default`.
    fn keywords(self) -> &'static [&'static str] {
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

fn limit(min: i64, max: i64) -> Value {
    json!({ "min": min, "max": max })
}

fn count_limit(min: u64, max: u64) -> Value {
    json!({ "min": min, "max": max })
}

/// A core type as `GET /api/v2/taskmanagement/workitems/schemas/coretypes[/{name}]` shows it
/// (Genesys `Coretype`), without `dateCreated`, which the caller adds. `id` is the name.
pub fn core_type_description(t: CoreType) -> Value {
    let types: &[&str] = match t {
        CoreType::Tag => &["array"],
        CoreType::Integer => &["integer"],
        CoreType::Number => &["number"],
        CoreType::Checkbox => &["boolean"],
        _ => &["string"],
    };
    let mut schema = json!({ "title": t.title(), "description": t.summary(), "type": types });
    match t {
        CoreType::Enum | CoreType::Tag => schema["items"] = json!({ "type": "string" }),
        CoreType::Date => schema["pattern"] = json!(DATE_PATTERN),
        CoreType::Datetime => schema["pattern"] = json!(DATETIME_PATTERN),
        _ => {}
    }
    let mut body = json!({
        "id": t.name(),
        "name": t.name(),
        "version": 1,
        "schema": schema,
        "current": true,
        "validationFields": t.keywords().iter().filter(|k| !k.starts_with('_') && **k != "items" && **k != "uniqueItems").collect::<Vec<_>>(),
        "selfUri": format!("/api/v2/taskmanagement/workitems/schemas/coretypes/{}", t.name()),
    });
    if let Some(max) = t.max_length_limit() {
        body["validationLimits"] =
            json!({ "minLength": count_limit(0, max), "maxLength": count_limit(1, max) });
    }
    match t {
        CoreType::Integer | CoreType::Number => {
            body["validationLimits"] = json!({
                "minimum": limit(-NUMBER_LIMIT, NUMBER_LIMIT),
                "maximum": limit(-NUMBER_LIMIT, NUMBER_LIMIT),
            });
        }
        CoreType::Tag => {
            body["validationLimits"] = json!({
                "minItems": count_limit(0, TAG_ITEMS_MAX),
                "maxItems": count_limit(1, TAG_ITEMS_MAX),
            });
            body["itemValidationFields"] = json!(["minLength", "maxLength"]);
            body["itemValidationLimits"] = json!({
                "minLength": count_limit(1, TAG_MAX_LENGTH),
                "maxLength": count_limit(1, TAG_MAX_LENGTH),
            });
        }
        CoreType::Enum => {
            body["validationLimits"] =
                json!({ "maxItems": count_limit(1, ENUM_VALUES_MAX as u64) });
            body["itemValidationLimits"] = json!({
                "minLength": count_limit(1, ENUM_VALUE_MAX_LENGTH),
                "maxLength": count_limit(1, ENUM_VALUE_MAX_LENGTH),
            });
        }
        _ => {}
    }
    body
}

/// `GET /api/v2/taskmanagement/workitems/schemas/limits` (Genesys `SchemaQuantityLimits`).
pub fn quantity_limits() -> Value {
    json!({
        "minFieldNameCharacters": 1,
        "maxFieldNameCharacters": FIELD_NAME_MAX,
        "minFieldTitleCharacters": 1,
        "maxFieldTitleCharacters": FIELD_TITLE_MAX,
        "minFieldDescriptionCharacters": 0,
        "maxFieldDescriptionCharacters": FIELD_DESCRIPTION_MAX,
        "minSchemaNameCharacters": SCHEMA_NAME_MIN,
        "maxSchemaNameCharacters": SCHEMA_NAME_MAX,
        "minSchemaDescriptionCharacters": 0,
        "maxSchemaDescriptionCharacters": SCHEMA_DESCRIPTION_MAX,
        "maxNumberOfSchemasPerOrg": MAX_SCHEMAS,
        "maxNumberOfFieldsPerSchema": MAX_ATTRIBUTES,
        "maxNumberOfFieldsPerOrg": MAX_SCHEMAS * MAX_ATTRIBUTES,
        "selfUri": "/api/v2/taskmanagement/workitems/schemas/limits",
    })
}

/// Checks a DataSchema's `name` (1 to 50 characters, trimmed).
pub fn schema_name(value: &str) -> Result<String, Invalid> {
    required_text("name", value, SCHEMA_NAME_MIN, SCHEMA_NAME_MAX)
}

/// One custom attribute of a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub core_type: CoreType,
    pub title: Option<String>,
    pub description: Option<String>,
    pub required: bool,
    /// Text-like core types.
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// Integer and number; for integer both are JSON integers.
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    /// Enum: every value in order, the disabled ones, and the titles given.
    pub enum_values: Vec<String>,
    pub disabled_enum_values: Vec<String>,
    pub enum_titles: BTreeMap<String, String>,
    /// Tag: how many tags, and each tag's length.
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub item_min_length: Option<u64>,
    pub item_max_length: Option<u64>,
    /// Already validated and normalised.
    pub default: Option<Value>,
}

impl Attribute {
    pub fn new(name: impl Into<String>, core_type: CoreType) -> Attribute {
        Attribute {
            name: name.into(),
            core_type,
            title: None,
            description: None,
            required: false,
            min_length: None,
            max_length: None,
            minimum: None,
            maximum: None,
            enum_values: Vec::new(),
            disabled_enum_values: Vec::new(),
            enum_titles: BTreeMap::new(),
            min_items: None,
            max_items: None,
            item_min_length: None,
            item_max_length: None,
            default: None,
        }
    }

    /// Inclusive length bounds of a text-like value, with the core type's built-in maximum.
    pub fn length_bounds(&self) -> (u64, u64) {
        let max = self.max_length.or(self.core_type.max_length_limit());
        (self.min_length.unwrap_or(0), max.unwrap_or(u64::MAX))
    }

    /// Inclusive bounds on the number of tags.
    pub fn items_bounds(&self) -> (u64, u64) {
        (
            self.min_items.unwrap_or(0),
            self.max_items.unwrap_or(TAG_ITEMS_MAX),
        )
    }

    /// Inclusive bounds on each tag's length.
    pub fn item_length_bounds(&self) -> (u64, u64) {
        (
            self.item_min_length.unwrap_or(1).max(1),
            self.item_max_length.unwrap_or(TAG_MAX_LENGTH),
        )
    }

    /// Inclusive bounds of an integer value.
    pub fn integer_bounds(&self) -> (i64, i64) {
        (
            self.minimum
                .as_ref()
                .and_then(Number::as_i64)
                .unwrap_or(-NUMBER_LIMIT),
            self.maximum
                .as_ref()
                .and_then(Number::as_i64)
                .unwrap_or(NUMBER_LIMIT),
        )
    }

    /// Inclusive bounds of a number value.
    pub fn number_bounds(&self) -> (f64, f64) {
        (
            self.minimum
                .as_ref()
                .and_then(Number::as_f64)
                .unwrap_or(-NUMBER_LIMIT as f64),
            self.maximum
                .as_ref()
                .and_then(Number::as_f64)
                .unwrap_or(NUMBER_LIMIT as f64),
        )
    }

    /// The enum values a field may be set to.
    pub fn enabled_enum_values(&self) -> impl Iterator<Item = &str> {
        self.enum_values
            .iter()
            .filter(|v| !self.disabled_enum_values.contains(v))
            .map(String::as_str)
    }

    /// The attribute as a `properties` entry of a Genesys `jsonSchema`.
    pub fn to_json(&self) -> Value {
        let mut p = Map::new();
        p.insert(
            "allOf".into(),
            json!([{ "$ref": self.core_type.reference() }]),
        );
        if let Some(t) = &self.title {
            p.insert("title".into(), json!(t));
        }
        if let Some(d) = &self.description {
            p.insert("description".into(), json!(d));
        }
        let mut put = |key: &str, v: Option<Value>| {
            if let Some(v) = v {
                p.insert(key.into(), v);
            }
        };
        put("minLength", self.min_length.map(Value::from));
        put("maxLength", self.max_length.map(Value::from));
        put("minimum", self.minimum.clone().map(Value::Number));
        put("maximum", self.maximum.clone().map(Value::Number));
        put("minItems", self.min_items.map(Value::from));
        put("maxItems", self.max_items.map(Value::from));
        put("default", self.default.clone());
        if self.core_type == CoreType::Enum {
            let props: Map<String, Value> = self
                .enum_values
                .iter()
                .map(|v| {
                    let mut o = Map::new();
                    if let Some(t) = self.enum_titles.get(v) {
                        o.insert("title".into(), json!(t));
                    }
                    o.insert(
                        "_disabled".into(),
                        json!(self.disabled_enum_values.contains(v)),
                    );
                    (v.clone(), Value::Object(o))
                })
                .collect();
            p.insert("enum".into(), json!(self.enum_values));
            p.insert("_enumProperties".into(), Value::Object(props));
        }
        if self.core_type == CoreType::Tag {
            let mut items = Map::new();
            if let Some(n) = self.item_min_length {
                items.insert("minLength".into(), json!(n));
            }
            if let Some(n) = self.item_max_length {
                items.insert("maxLength".into(), json!(n));
            }
            if !items.is_empty() {
                p.insert("items".into(), Value::Object(items));
            }
            p.insert("uniqueItems".into(), json!(true));
        }
        Value::Object(p)
    }
}

/// A parsed, validated schema: its attributes in name order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SchemaDefinition {
    pub title: Option<String>,
    pub description: Option<String>,
    pub attributes: Vec<Attribute>,
}

impl SchemaDefinition {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn required(&self) -> impl Iterator<Item = &Attribute> {
        self.attributes.iter().filter(|a| a.required)
    }

    /// The schema as a canonical Genesys `jsonSchema` document; [`parse`] reads it back
    /// to an equal definition.
    pub fn to_json_schema(&self) -> Value {
        let properties: Map<String, Value> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.to_json()))
            .collect();
        let required: Vec<&str> = self.required().map(|a| a.name.as_str()).collect();
        let mut doc = json!({
            "$schema": JSON_SCHEMA_DRAFT,
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        });
        if let Some(t) = &self.title {
            doc["title"] = json!(t);
        }
        if let Some(d) = &self.description {
            doc["description"] = json!(d);
        }
        if !required.is_empty() {
            doc["required"] = json!(required);
        }
        doc
    }
}

/// `None` for an absent or `null` member.
fn present<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

fn opt_string<'a>(at: &str, value: Option<&'a Value>) -> Result<Option<&'a str>, Invalid> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Invalid::new(at, "must be a string")),
    }
}

fn opt_text(
    at: &str,
    value: Option<&Value>,
    min: usize,
    max: usize,
) -> Result<Option<String>, Invalid> {
    match opt_string(at, value)? {
        None => Ok(None),
        Some(s) => {
            text_length(at, s, min, max)?;
            Ok(Some(s.to_owned()))
        }
    }
}

/// An optional non-negative JSON integer within `min..=max`.
fn opt_count(at: &str, value: Option<&Value>, min: u64, max: u64) -> Result<Option<u64>, Invalid> {
    let Some(v) = value else { return Ok(None) };
    match v.as_u64() {
        Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(Invalid::new(
            at,
            format!("must be an integer from {min} to {max}"),
        )),
    }
}

fn check_order(at: &str, min: Option<u64>, max: u64, max_name: &str) -> Result<(), Invalid> {
    match min {
        Some(min) if min > max => Err(Invalid::new(
            at,
            format!("must not be greater than {max_name} ({max})"),
        )),
        _ => Ok(()),
    }
}

/// An optional `minimum`/`maximum` of an integer or number attribute.
fn opt_bound(at: &str, value: Option<&Value>, t: CoreType) -> Result<Option<Number>, Invalid> {
    let Some(v) = value else { return Ok(None) };
    let range = format!("from {} to {NUMBER_LIMIT}", -NUMBER_LIMIT);
    let Value::Number(n) = v else {
        return Err(Invalid::new(at, format!("must be a number {range}")));
    };
    if t == CoreType::Integer {
        match n.as_i64() {
            Some(i) if (-NUMBER_LIMIT..=NUMBER_LIMIT).contains(&i) => Ok(Some(n.clone())),
            _ => Err(Invalid::new(at, format!("must be an integer {range}"))),
        }
    } else {
        let limit = NUMBER_LIMIT as f64;
        match n.as_f64() {
            Some(f) if (-limit..=limit).contains(&f) => Ok(Some(n.clone())),
            _ => Err(Invalid::new(at, format!("must be a number {range}"))),
        }
    }
}

/// Checks an attribute name and returns the core type its suffix names.
fn check_name(at: &str, name: &str) -> Result<CoreType, Invalid> {
    let n = name.chars().count();
    if n > FIELD_NAME_MAX {
        return Err(Invalid::new(
            at,
            format!("attribute names are at most {FIELD_NAME_MAX} characters, got {n}"),
        ));
    }
    let types = CoreType::ALL.map(CoreType::name).join(", ");
    let suffix_rule = format!("must end with _ and its core type ({types}), e.g. price_number");
    let Some((base, suffix)) = name.rsplit_once('_') else {
        return Err(Invalid::new(at, suffix_rule));
    };
    let Some(t) = CoreType::parse(suffix) else {
        return Err(Invalid::new(at, suffix_rule));
    };
    if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(Invalid::new(at, "must start with a letter"));
    }
    if !base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Invalid::new(
            at,
            "may contain only ASCII letters, digits and underscores",
        ));
    }
    Ok(t)
}

/// The core type an attribute's `allOf: [{"$ref": "#/definitions/<type>"}]` names.
fn check_all_of(at: &str, value: Option<&Value>) -> Result<CoreType, Invalid> {
    let shape = "must be [{\"$ref\": \"#/definitions/<core type>\"}]";
    let Some(Value::Array(items)) = value else {
        return Err(Invalid::new(at, shape));
    };
    let [Value::Object(item)] = items.as_slice() else {
        return Err(Invalid::new(at, shape));
    };
    if item.len() != 1 {
        return Err(Invalid::new(at, shape));
    }
    let Some(Value::String(reference)) = item.get("$ref") else {
        return Err(Invalid::new(at, shape));
    };
    CoreType::from_reference(reference).ok_or_else(|| {
        Invalid::new(
            format!("{at}[0].$ref"),
            format!("{reference:?} is not a core type"),
        )
    })
}

fn parse_attribute(name: &str, prop: &Value) -> Result<Attribute, Invalid> {
    let at = format!("{ROOT}.properties.{name}");
    let core_type = check_name(&at, name)?;
    let Value::Object(obj) = prop else {
        return Err(Invalid::new(at, "must be a JSON object"));
    };
    let referenced = check_all_of(&format!("{at}.allOf"), obj.get("allOf"))?;
    if referenced != core_type {
        return Err(Invalid::new(
            format!("{at}.allOf[0].$ref"),
            format!("references {referenced} but the name ends with _{core_type}"),
        ));
    }
    for key in obj.keys() {
        let common = matches!(key.as_str(), "allOf" | "title" | "description" | "default");
        if !common && !core_type.keywords().contains(&key.as_str()) {
            return Err(Invalid::new(
                format!("{at}.{key}"),
                format!("is not a keyword casefile supports on a {core_type} attribute"),
            ));
        }
    }
    let field = |key: &str| format!("{at}.{key}");
    let mut attr = Attribute::new(name, core_type);
    attr.title = opt_text(&field("title"), present(obj, "title"), 1, FIELD_TITLE_MAX)?;
    attr.description = opt_text(
        &field("description"),
        present(obj, "description"),
        0,
        FIELD_DESCRIPTION_MAX,
    )?;
    match core_type {
        CoreType::Text | CoreType::Longtext | CoreType::Url | CoreType::Identifier => {
            let max = core_type.max_length_limit().unwrap_or(u64::MAX);
            attr.min_length = opt_count(&field("minLength"), present(obj, "minLength"), 0, max)?;
            attr.max_length = opt_count(&field("maxLength"), present(obj, "maxLength"), 1, max)?;
            let effective_max = attr.max_length.unwrap_or(max);
            check_order(
                &field("minLength"),
                attr.min_length,
                effective_max,
                "maxLength",
            )?;
        }
        CoreType::Integer | CoreType::Number => {
            attr.minimum = opt_bound(&field("minimum"), present(obj, "minimum"), core_type)?;
            attr.maximum = opt_bound(&field("maximum"), present(obj, "maximum"), core_type)?;
            if let (Some(min), Some(max)) = (&attr.minimum, &attr.maximum)
                && min.as_f64() > max.as_f64()
            {
                return Err(Invalid::new(
                    field("minimum"),
                    format!("must not be greater than maximum ({max})"),
                ));
            }
        }
        CoreType::Enum => parse_enum(&at, obj, &mut attr)?,
        CoreType::Tag => parse_tag(&at, obj, &mut attr)?,
        CoreType::Date | CoreType::Datetime | CoreType::Checkbox => {}
    }
    if let Some(default) = present(obj, "default") {
        attr.default = Some(check_value(&attr, &field("default"), default, false)?);
    }
    Ok(attr)
}

fn parse_enum(at: &str, obj: &Map<String, Value>, attr: &mut Attribute) -> Result<(), Invalid> {
    let field = format!("{at}.enum");
    let Some(Value::Array(values)) = present(obj, "enum") else {
        return Err(Invalid::new(field, "must be a non-empty array of strings"));
    };
    if values.is_empty() || values.len() > ENUM_VALUES_MAX {
        return Err(Invalid::new(
            field,
            format!("must have 1 to {ENUM_VALUES_MAX} values"),
        ));
    }
    for (i, v) in values.iter().enumerate() {
        let at_i = format!("{field}[{i}]");
        let Value::String(s) = v else {
            return Err(Invalid::new(at_i, "must be a string"));
        };
        text_length(&at_i, s, 1, ENUM_VALUE_MAX_LENGTH as usize)?;
        if attr.enum_values.contains(s) {
            return Err(Invalid::new(at_i, format!("{s:?} is listed twice")));
        }
        attr.enum_values.push(s.clone());
    }
    let field = format!("{at}._enumProperties");
    let props = match present(obj, "_enumProperties") {
        None => return Ok(()),
        Some(Value::Object(props)) => props,
        Some(_) => {
            return Err(Invalid::new(
                field,
                "must be a JSON object keyed by enum value",
            ));
        }
    };
    for (value, p) in props {
        let at_v = format!("{field}.{value}");
        if !attr.enum_values.contains(value) {
            return Err(Invalid::new(at_v, "is not one of the enum values"));
        }
        let Value::Object(p) = p else {
            return Err(Invalid::new(at_v, "must be a JSON object"));
        };
        if let Some(key) = p
            .keys()
            .find(|k| !matches!(k.as_str(), "title" | "_disabled"))
        {
            return Err(Invalid::new(
                format!("{at_v}.{key}"),
                "is not an enum property (title, _disabled)",
            ));
        }
        let at_t = format!("{at_v}.title");
        if let Some(title) = opt_text(&at_t, present(p, "title"), 1, FIELD_TITLE_MAX)? {
            if let Some((other, _)) = attr.enum_titles.iter().find(|(_, t)| **t == title) {
                return Err(Invalid::new(
                    at_t,
                    format!("duplicates the title of {other:?}"),
                ));
            }
            attr.enum_titles.insert(value.clone(), title);
        }
        match present(p, "_disabled") {
            None | Some(Value::Bool(false)) => {}
            Some(Value::Bool(true)) => attr.disabled_enum_values.push(value.clone()),
            Some(_) => {
                return Err(Invalid::new(
                    format!("{at_v}._disabled"),
                    "must be a boolean",
                ));
            }
        }
    }
    // Keep the disabled values in the order of `enum`, not of the object's keys.
    attr.disabled_enum_values = attr
        .enum_values
        .iter()
        .filter(|v| attr.disabled_enum_values.contains(v))
        .cloned()
        .collect();
    Ok(())
}

fn parse_tag(at: &str, obj: &Map<String, Value>, attr: &mut Attribute) -> Result<(), Invalid> {
    let field = |key: &str| format!("{at}.{key}");
    attr.min_items = opt_count(
        &field("minItems"),
        present(obj, "minItems"),
        0,
        TAG_ITEMS_MAX,
    )?;
    attr.max_items = opt_count(
        &field("maxItems"),
        present(obj, "maxItems"),
        1,
        TAG_ITEMS_MAX,
    )?;
    let max_items = attr.max_items.unwrap_or(TAG_ITEMS_MAX);
    check_order(&field("minItems"), attr.min_items, max_items, "maxItems")?;
    match present(obj, "uniqueItems") {
        None | Some(Value::Bool(true)) => {}
        Some(_) => {
            return Err(Invalid::new(
                field("uniqueItems"),
                "must be true: tags are unique",
            ));
        }
    }
    let items = match present(obj, "items") {
        None => return Ok(()),
        Some(Value::Object(items)) => items,
        Some(_) => return Err(Invalid::new(field("items"), "must be a JSON object")),
    };
    for (key, v) in items {
        let ok = match key.as_str() {
            "minLength" | "maxLength" => true,
            "type" => v.is_null() || v == "string",
            _ => false,
        };
        if !ok {
            return Err(Invalid::new(
                format!("{at}.items.{key}"),
                "is not a tag item keyword casefile supports (minLength, maxLength)",
            ));
        }
    }
    let field = |key: &str| format!("{at}.items.{key}");
    attr.item_min_length = opt_count(
        &field("minLength"),
        present(items, "minLength"),
        1,
        TAG_MAX_LENGTH,
    )?;
    attr.item_max_length = opt_count(
        &field("maxLength"),
        present(items, "maxLength"),
        1,
        TAG_MAX_LENGTH,
    )?;
    let max = attr.item_max_length.unwrap_or(TAG_MAX_LENGTH);
    check_order(&field("minLength"), attr.item_min_length, max, "maxLength")
}

/// Validates a `jsonSchema` document from the API. Errors name the field as the API spells
/// it, e.g. `jsonSchema.properties.price_number.minimum`.
pub fn parse(json_schema: &Value) -> Result<SchemaDefinition, Invalid> {
    let Value::Object(doc) = json_schema else {
        return Err(Invalid::new(ROOT, "must be a JSON object"));
    };
    for (key, value) in doc {
        let at = format!("{ROOT}.{key}");
        match key.as_str() {
            "properties" | "required" | "title" | "description" => {}
            "$schema" | "id" | "$id" => {
                opt_string(&at, Some(value).filter(|v| !v.is_null()))?;
            }
            "type" => {
                if !(value.is_null() || value == "object") {
                    return Err(Invalid::new(at, "must be \"object\""));
                }
            }
            "additionalProperties" => {
                if !(value.is_null() || value == false) {
                    return Err(Invalid::new(
                        at,
                        "must be false: custom fields outside the schema are refused",
                    ));
                }
            }
            _ => {
                return Err(Invalid::new(
                    at,
                    "is not a schema keyword casefile supports",
                ));
            }
        }
    }
    let title = opt_text(
        &format!("{ROOT}.title"),
        present(doc, "title"),
        0,
        FIELD_TITLE_MAX,
    )?;
    let description = opt_text(
        &format!("{ROOT}.description"),
        present(doc, "description"),
        0,
        SCHEMA_DESCRIPTION_MAX,
    )?;
    let at = format!("{ROOT}.properties");
    let properties = match present(doc, "properties") {
        None => &Map::new(),
        Some(Value::Object(p)) => p,
        Some(_) => return Err(Invalid::new(at, "must be a JSON object")),
    };
    if properties.len() > MAX_ATTRIBUTES {
        return Err(Invalid::new(
            at,
            format!(
                "a schema has at most {MAX_ATTRIBUTES} attributes, got {}",
                properties.len()
            ),
        ));
    }
    let mut attributes = properties
        .iter()
        .map(|(name, prop)| parse_attribute(name, prop))
        .collect::<Result<Vec<_>, _>>()?;
    let at = format!("{ROOT}.required");
    let required = match present(doc, "required") {
        None => &Vec::new(),
        Some(Value::Array(r)) => r,
        Some(_) => return Err(Invalid::new(at, "must be an array of attribute names")),
    };
    let mut seen = BTreeSet::new();
    for (i, name) in required.iter().enumerate() {
        let at_i = format!("{at}[{i}]");
        let Value::String(name) = name else {
            return Err(Invalid::new(at_i, "must be a string"));
        };
        if !seen.insert(name.as_str()) {
            return Err(Invalid::new(at_i, format!("{name:?} is listed twice")));
        }
        let Some(attr) = attributes.iter_mut().find(|a| &a.name == name) else {
            return Err(Invalid::new(
                at_i,
                format!("{name:?} is not an attribute of the schema"),
            ));
        };
        attr.required = true;
    }
    Ok(SchemaDefinition {
        title,
        description,
        attributes,
    })
}

/// Validates workitem `customFields` against a schema and returns them normalised.
///
/// Unknown keys are refused; `null` leaves a field unset; with `require_all` (creation, or a
/// full replacement) every required attribute must have a value. Errors name
/// `customFields.<name>`.
pub fn validate_fields(
    def: &SchemaDefinition,
    fields: &Map<String, Value>,
    require_all: bool,
) -> Result<Map<String, Value>, Invalid> {
    let mut out = Map::new();
    for (key, value) in fields {
        let at = format!("customFields.{key}");
        let attr = known(def, &at, key)?;
        if !value.is_null() {
            out.insert(key.clone(), check_value(attr, &at, value, false)?);
        }
    }
    if require_all && let Some(missing) = def.required().find(|a| !out.contains_key(&a.name)) {
        return Err(Invalid::new(
            format!("customFields.{}", missing.name),
            "is required",
        ));
    }
    Ok(out)
}

/// Applies a patch of `customFields` to the current values (`null` removes a key) and
/// validates the result. Patched values are checked in full; values the workitem already
/// holds may keep an enum value that has since been disabled. A required attribute cannot
/// be cleared.
pub fn merge_fields(
    def: &SchemaDefinition,
    current: &Map<String, Value>,
    patch: &Map<String, Value>,
) -> Result<Map<String, Value>, Invalid> {
    let mut out = Map::new();
    for (key, value) in current {
        if patch.contains_key(key) || value.is_null() {
            continue;
        }
        let at = format!("customFields.{key}");
        let attr = known(def, &at, key)?;
        out.insert(key.clone(), check_value(attr, &at, value, true)?);
    }
    for (key, value) in patch {
        let at = format!("customFields.{key}");
        let attr = known(def, &at, key)?;
        if value.is_null() {
            if attr.required {
                return Err(Invalid::new(at, "is required and cannot be cleared"));
            }
        } else {
            out.insert(key.clone(), check_value(attr, &at, value, false)?);
        }
    }
    Ok(out)
}

fn known<'a>(def: &'a SchemaDefinition, at: &str, key: &str) -> Result<&'a Attribute, Invalid> {
    def.attribute(key)
        .ok_or_else(|| Invalid::new(at, "is not an attribute of the workitem's schema"))
}

/// Checks one non-null value against its attribute and returns it normalised.
fn check_value(
    attr: &Attribute,
    at: &str,
    value: &Value,
    allow_disabled: bool,
) -> Result<Value, Invalid> {
    let string = || match value {
        Value::String(s) => Ok(s.as_str()),
        _ => Err(Invalid::new(
            at,
            format!("must be a string ({} attribute)", attr.core_type),
        )),
    };
    match attr.core_type {
        CoreType::Text | CoreType::Longtext | CoreType::Identifier | CoreType::Url => {
            let s = string()?;
            let (min, max) = attr.length_bounds();
            check_length(at, s, min, max)?;
            if attr.core_type == CoreType::Url {
                check_url(at, s)?;
            }
            Ok(value.clone())
        }
        CoreType::Enum => {
            let s = string()?;
            if !attr.enum_values.iter().any(|v| v == s) {
                let allowed: Vec<&str> = attr.enabled_enum_values().collect();
                return Err(Invalid::new(
                    at,
                    format!("{s:?} is not one of {}", allowed.join(", ")),
                ));
            }
            if !allow_disabled && attr.disabled_enum_values.iter().any(|v| v == s) {
                return Err(Invalid::new(at, format!("{s:?} is disabled")));
            }
            Ok(value.clone())
        }
        CoreType::Tag => check_tags(attr, at, value),
        CoreType::Date => Ok(Value::String(check_date(at, string()?)?)),
        CoreType::Datetime => Ok(Value::String(check_datetime(at, string()?)?)),
        CoreType::Integer => {
            let Value::Number(n) = value else {
                return Err(Invalid::new(at, "must be an integer"));
            };
            let (min, max) = attr.integer_bounds();
            match n.as_i64() {
                Some(i) if (min..=max).contains(&i) => Ok(Value::from(i)),
                Some(_) => Err(Invalid::new(at, format!("must be from {min} to {max}"))),
                None if n.is_f64() => Err(Invalid::new(
                    at,
                    format!("must be an integer, without a fraction or exponent; got {n}"),
                )),
                None => Err(Invalid::new(at, format!("must be from {min} to {max}"))),
            }
        }
        CoreType::Number => {
            let Value::Number(n) = value else {
                return Err(Invalid::new(at, "must be a number"));
            };
            let (min, max) = attr.number_bounds();
            match n.as_f64() {
                Some(f) if (min..=max).contains(&f) => {
                    // -0.0 is stored as 0.0.
                    if f == 0.0 && n.is_f64() {
                        Ok(json!(0.0))
                    } else {
                        Ok(value.clone())
                    }
                }
                _ => Err(Invalid::new(at, format!("must be from {min} to {max}"))),
            }
        }
        CoreType::Checkbox => match value {
            Value::Bool(_) => Ok(value.clone()),
            _ => Err(Invalid::new(at, "must be true or false")),
        },
    }
}

fn check_length(at: &str, s: &str, min: u64, max: u64) -> Result<(), Invalid> {
    let n = s.chars().count() as u64;
    if !(min..=max).contains(&n) {
        return Err(Invalid::new(
            at,
            format!("must be {min} to {max} characters long, got {n}"),
        ));
    }
    Ok(())
}

fn check_tags(attr: &Attribute, at: &str, value: &Value) -> Result<Value, Invalid> {
    let Value::Array(items) = value else {
        return Err(Invalid::new(at, "must be an array of strings"));
    };
    let (min, max) = attr.items_bounds();
    let n = items.len() as u64;
    if !(min..=max).contains(&n) {
        return Err(Invalid::new(
            at,
            format!("must have {min} to {max} tags, got {n}"),
        ));
    }
    let (min_len, max_len) = attr.item_length_bounds();
    let mut seen = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let at_i = format!("{at}[{i}]");
        let Value::String(tag) = item else {
            return Err(Invalid::new(at_i, "must be a string"));
        };
        check_length(&at_i, tag, min_len, max_len)?;
        if !seen.insert(tag.as_str()) {
            return Err(Invalid::new(at_i, format!("{tag:?} is listed twice")));
        }
    }
    Ok(value.clone())
}

/// Reads `n` ASCII digits at `*pos`, advancing it.
fn digits(bytes: &[u8], pos: &mut usize, n: usize) -> Option<u32> {
    let slice = bytes.get(*pos..*pos + n)?;
    if !slice.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *pos += n;
    Some(
        slice
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0')),
    )
}

fn eat(bytes: &[u8], pos: &mut usize, c: u8) -> Option<()> {
    (bytes.get(*pos) == Some(&c)).then(|| *pos += 1)
}

/// `YYYY-MM-DD` at `*pos`, as a calendar date (`None` if malformed, `Some(None)` if no such day).
fn date_part(bytes: &[u8], pos: &mut usize) -> Option<Option<NaiveDate>> {
    let y = digits(bytes, pos, 4)?;
    eat(bytes, pos, b'-')?;
    let m = digits(bytes, pos, 2)?;
    eat(bytes, pos, b'-')?;
    let d = digits(bytes, pos, 2)?;
    Some(
        i32::try_from(y)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
    )
}

fn check_date(at: &str, s: &str) -> Result<String, Invalid> {
    let bytes = s.as_bytes();
    let mut pos = 0;
    match date_part(bytes, &mut pos) {
        Some(Some(_)) if pos == bytes.len() => Ok(s.to_owned()),
        Some(Some(_)) | None => Err(Invalid::new(at, "must be a date, YYYY-MM-DD")),
        Some(None) => Err(Invalid::new(at, format!("{s:?} is not a calendar date"))),
    }
}

fn check_datetime(at: &str, s: &str) -> Result<String, Invalid> {
    let format =
        "must be an ISO-8601 date-time with seconds and an offset, e.g. 2024-05-01T09:30:00.000Z";
    let parsed = parse_datetime(s).ok_or_else(|| Invalid::new(at, format))?;
    let utc = parsed.ok_or_else(|| Invalid::new(at, format!("{s:?} is not a valid instant")))?;
    if !(0..=9999).contains(&utc.year()) {
        return Err(Invalid::new(
            at,
            "must fall within the years 0000 to 9999 in UTC",
        ));
    }
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        utc.year(),
        utc.month(),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second(),
        utc.nanosecond() / 1_000_000,
    ))
}

/// `None` if `s` is not of the accepted shape; `Some(None)` if it is but names no instant.
fn parse_datetime(s: &str) -> Option<Option<crate::Timestamp>> {
    let bytes = s.as_bytes();
    let mut pos = 0;
    let date = date_part(bytes, &mut pos)?;
    eat(bytes, &mut pos, b'T')?;
    let h = digits(bytes, &mut pos, 2)?;
    eat(bytes, &mut pos, b':')?;
    let mi = digits(bytes, &mut pos, 2)?;
    eat(bytes, &mut pos, b':')?;
    let sec = digits(bytes, &mut pos, 2)?;
    let mut nanos = 0;
    if eat(bytes, &mut pos, b'.').is_some() {
        let start = pos;
        while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        let n = pos - start;
        if !(1..=9).contains(&n) {
            return None;
        }
        let mut p = start;
        let frac = digits(bytes, &mut p, n)?;
        nanos = frac * 10u32.pow(9 - n as u32);
    }
    let offset_seconds = match bytes.get(pos) {
        Some(b'Z') => {
            pos += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            pos += 1;
            let oh = digits(bytes, &mut pos, 2)?;
            eat(bytes, &mut pos, b':')?;
            let om = digits(bytes, &mut pos, 2)?;
            if oh > 23 || om > 59 {
                return Some(None);
            }
            sign * i32::try_from(oh * 3600 + om * 60).ok()?
        }
        _ => return None,
    };
    if pos != bytes.len() {
        return None;
    }
    // Leap seconds (":60") are refused with the other impossible times.
    let Some(date) = date else { return Some(None) };
    if sec > 59 {
        return Some(None);
    }
    let instant = date
        .and_hms_nano_opt(h, mi, sec, nanos)
        .zip(FixedOffset::east_opt(offset_seconds))
        .and_then(|(local, offset)| offset.from_local_datetime(&local).single())
        .map(|t| t.with_timezone(&Utc));
    Some(instant)
}

fn check_url(at: &str, s: &str) -> Result<(), Invalid> {
    let absolute = "must be an absolute http or https URL, e.g. https://example.com/page";
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Invalid::new(
            at,
            "must not contain spaces or control characters",
        ));
    }
    let Some((scheme, rest)) = s.split_once("://") else {
        return Err(Invalid::new(at, absolute));
    };
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return Err(Invalid::new(
            at,
            format!("must use http or https, not {scheme:?}"),
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => {
            let Some((inside, after)) = v6.split_once(']') else {
                return Err(Invalid::new(at, "has an unclosed [ in its host"));
            };
            if inside.is_empty()
                || !inside
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
            {
                return Err(Invalid::new(at, "has an invalid IPv6 host"));
            }
            match after {
                "" => (inside, None),
                _ => match after.strip_prefix(':') {
                    Some(p) => (inside, Some(p)),
                    None => return Err(Invalid::new(at, "has an invalid host")),
                },
            }
        }
        None => match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        },
    };
    let host_ok = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.' || c == ':');
    if !host_ok {
        return Err(Invalid::new(
            at,
            "must have a host name, e.g. https://example.com",
        ));
    }
    if let Some(p) = port
        && !p.is_empty()
        && !(p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= 65535))
    {
        return Err(Invalid::new(at, format!("has an invalid port {p:?}")));
    }
    Ok(())
}

/// A schema description as the DataSchema carries it (`description`), blank becoming `None`.
pub fn schema_description(value: Option<&str>) -> Result<Option<String>, Invalid> {
    optional_text("description", value, SCHEMA_DESCRIPTION_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    fn one(name: &str, extra: Value) -> SchemaDefinition {
        let t = name.rsplit_once('_').map(|(_, t)| t).unwrap_or_default();
        let mut prop = json!({ "allOf": [{ "$ref": format!("#/definitions/{t}") }], "title": "T" });
        for (k, v) in obj(extra) {
            prop[k] = v;
        }
        parse(&json!({ "properties": { name: prop } })).unwrap()
    }

    fn set(def: &SchemaDefinition, name: &str, v: Value) -> Result<Value, Invalid> {
        let out = validate_fields(def, &obj(json!({ name: v })), false)?;
        Ok(out.get(name).cloned().unwrap_or(Value::Null))
    }

    fn schema_err(doc: Value) -> Invalid {
        parse(&doc).unwrap_err()
    }

    fn prop_err(name: &str, prop: Value) -> Invalid {
        schema_err(json!({ "properties": { name: prop } }))
    }

    fn reference(t: &str) -> Value {
        json!([{ "$ref": format!("#/definitions/{t}") }])
    }

    /// `properties` of examples/resources/genesyscloud_task_management_workitem_schema/resource.tf
    /// (terraform-provider-genesyscloud), which the provider's acceptance test
    /// `TestAccResourceTaskManagementWorkitemCustomFields` also creates.
    const TERRAFORM_PROPERTIES: &str = r##"{
      "custom_attribute_1_text": {
        "allOf": [{ "$ref": "#/definitions/text" }],
        "title": "custom_attribute_1", "description": "Custom attribute for text",
        "minLength": 0, "maxLength": 100
      },
      "custom_attribute_2_longtext": {
        "allOf": [{ "$ref": "#/definitions/longtext" }],
        "title": "custom_attribute_2", "description": "Custom attribute for long text",
        "minLength": 0, "maxLength": 1000
      },
      "custom_attribute_3_url": {
        "allOf": [{ "$ref": "#/definitions/url" }],
        "title": "custom_attribute_3", "description": "Custom attribute for url",
        "minLength": 0, "maxLength": 200
      },
      "custom_attribute_4_identifier": {
        "allOf": [{ "$ref": "#/definitions/identifier" }],
        "title": "custom_attribute_4", "description": "Custom attribute for identifier",
        "minLength": 0, "maxLength": 100
      },
      "custom_attribute_5_enum": {
        "allOf": [{ "$ref": "#/definitions/enum" }],
        "title": "custom_attribute_5", "description": "Custom attribute for enum",
        "enum": ["option_1", "option_2", "option_3"],
        "_enumProperties": {
          "option_1": { "title": "Option 1", "_disabled": false },
          "option_2": { "title": "Option 2", "_disabled": false },
          "option_3": { "title": "Option 3", "_disabled": false }
        }
      },
      "custom_attribute_6_date": {
        "allOf": [{ "$ref": "#/definitions/date" }],
        "title": "custom_attribute_6", "description": "Custom attribute for date"
      },
      "custom_attribute_7_datetime": {
        "allOf": [{ "$ref": "#/definitions/datetime" }],
        "title": "custom_attribute_7", "description": "Custom attribute for datetime"
      },
      "custom_attribute_8_integer": {
        "allOf": [{ "$ref": "#/definitions/integer" }],
        "title": "custom_attribute_8", "description": "Custom attribute for integer",
        "minimum": 1, "maximum": 1000
      },
      "custom_attribute_9_number": {
        "allOf": [{ "$ref": "#/definitions/number" }],
        "title": "custom_attribute_9", "description": "Custom attribute for number",
        "minimum": 1, "maximum": 1000
      },
      "custom_attribute_10_checkbox": {
        "allOf": [{ "$ref": "#/definitions/checkbox" }],
        "title": "custom_attribute_10", "description": "Custom attribute for checkbox"
      },
      "custom_attribute_11_tag": {
        "allOf": [{ "$ref": "#/definitions/tag" }],
        "title": "custom_attribute_11", "description": "Custom attribute for tag",
        "items": { "minLength": 1, "maxLength": 100 },
        "minItems": 0, "maxItems": 10, "uniqueItems": true
      }
    }"##;

    /// The body the provider's `BuildSdkWorkitemSchema` sends.
    fn terraform_schema() -> Value {
        let properties: Value = serde_json::from_str(TERRAFORM_PROPERTIES).unwrap();
        json!({
            "$schema": "http://json-schema.org/draft-04/schema#",
            "title": "tf_schema_1",
            "description": "created for CX as Code test case",
            "properties": properties,
        })
    }

    #[test]
    fn terraform_example_schema_has_every_core_type() {
        let def = parse(&terraform_schema()).unwrap();
        assert_eq!(def.attributes.len(), 11);
        assert_eq!(def.title.as_deref(), Some("tf_schema_1"));
        let types: BTreeSet<CoreType> = def.attributes.iter().map(|a| a.core_type).collect();
        assert_eq!(types.len(), 11);
        let e = def.attribute("custom_attribute_5_enum").unwrap();
        assert_eq!(e.enum_values, ["option_1", "option_2", "option_3"]);
        assert!(e.disabled_enum_values.is_empty());
        assert_eq!(e.enum_titles["option_2"], "Option 2");
        let t = def.attribute("custom_attribute_11_tag").unwrap();
        assert_eq!(
            (t.items_bounds(), t.item_length_bounds()),
            ((0, 10), (1, 100))
        );
        let n = def.attribute("custom_attribute_9_number").unwrap();
        assert_eq!(n.number_bounds(), (1.0, 1000.0));
        assert!(def.required().next().is_none());
    }

    #[test]
    fn terraform_acceptance_custom_fields_are_valid_and_kept() {
        let def = parse(&terraform_schema()).unwrap();
        for fields in [
            json!({
                "custom_attribute_1_text": "value_1 text",
                "custom_attribute_2_longtext": "value_2 longtext",
                "custom_attribute_3_url": "https://www.test.com",
                "custom_attribute_4_identifier": "value_4 identifier",
                "custom_attribute_5_enum": "option_1",
                "custom_attribute_6_date": "2021-01-01",
                "custom_attribute_7_datetime": "2021-01-01T00:00:00.000Z",
                "custom_attribute_8_integer": 8,
                "custom_attribute_9_number": 9,
                "custom_attribute_10_checkbox": true,
                "custom_attribute_11_tag": ["tag_1", "tag_2"]
            }),
            json!({
                "custom_attribute_1_text": "value_1 text update",
                "custom_attribute_2_longtext": "value_2 longtext update",
                "custom_attribute_3_url": "https://www.test-update.com",
                "custom_attribute_4_identifier": "value_4 identifier update",
                "custom_attribute_5_enum": "option_2",
                "custom_attribute_6_date": "2022-02-02",
                "custom_attribute_7_datetime": "2022-02-02T00:00:00.000Z",
                "custom_attribute_8_integer": 82,
                "custom_attribute_9_number": 92,
                "custom_attribute_10_checkbox": false,
                "custom_attribute_11_tag": ["tag_1_update", "tag_2_update"]
            }),
        ] {
            let fields = obj(fields);
            assert_eq!(validate_fields(&def, &fields, true).unwrap(), fields);
        }
    }

    #[test]
    fn terraform_acceptance_names_may_have_capitals() {
        // resource_genesyscloud_task_management_workitem_schema_test.go names fields <title>_<type>.
        let doc = json!({ "properties": {
            "Custom_longtext_attribute_longtext": {
                "allOf": reference("longtext"), "title": "Custom_longtext_attribute",
                "description": "Custom_longtext_attribute description", "minLength": 1, "maxLength": 1000
            },
            "Custom_int_attribute_integer": {
                "allOf": reference("integer"), "title": "Custom_int_attribute",
                "description": "Custom_int_attribute description", "minimum": -100, "maximum": 100
            }
        }});
        let def = parse(&doc).unwrap();
        assert_eq!(
            def.attribute("Custom_int_attribute_integer")
                .unwrap()
                .integer_bounds(),
            (-100, 100)
        );
    }

    #[test]
    fn sdk_example_schema_parses() {
        // The Genesys Java SDK DataSchema example: decimal bounds, an enum without _enumProperties.
        let doc = json!({
            "title": "Example schema",
            "description": "Uses all of the core types for illustrative purposes",
            "$schema": "http://json-schema.org/draft-04/schema#",
            "properties": {
                "field1_text": { "title": "Field 1", "description": "field1", "allOf": reference("text"), "minLength": 0, "maxLength": 39 },
                "field2_longtext": { "title": "Field 2", "description": "field2", "allOf": reference("longtext"), "minLength": 0, "maxLength": 1000 },
                "field3_enum": { "title": "Field 3", "description": "Field 3", "allOf": reference("enum"), "enum": ["enum1", "enum2"] },
                "field4_identifier": { "title": "field4", "description": "Field 4", "allOf": reference("identifier"), "minLength": 0, "maxLength": 37 },
                "field5_integer": { "title": "field5", "description": "Field 5", "allOf": reference("integer"), "minimum": 1, "maximum": 24 },
                "field6_number": { "title": "field6", "description": "Field 6", "allOf": reference("number"), "minimum": 2.7, "maximum": 31.3 },
                "field7_date": { "title": "field7", "description": "Field 7", "allOf": reference("date") },
                "field8_datetime": { "title": "field8", "description": "Field 8", "allOf": reference("datetime") },
                "field9_checkbox": { "title": "field9", "description": "Field 9", "allOf": reference("checkbox") },
                "field10_tag": { "title": "field10", "description": "Field 10", "allOf": reference("tag"),
                    "items": { "minLength": 1, "maxLength": 20 }, "minItems": 0, "maxItems": 10, "uniqueItems": true }
            }
        });
        let def = parse(&doc).unwrap();
        assert_eq!(def.attributes.len(), 10);
        assert_eq!(set(&def, "field6_number", json!(2.7)).unwrap(), json!(2.7));
        assert!(set(&def, "field6_number", json!(2.69)).is_err());
        assert!(set(&def, "field6_number", json!(31.31)).is_err());
        assert_eq!(
            set(&def, "field3_enum", json!("enum2")).unwrap(),
            json!("enum2")
        );
        assert!(set(&def, "field10_tag", json!(["x".repeat(21)])).is_err());
        assert!(set(&def, "field4_identifier", json!("x".repeat(38))).is_err());
    }

    #[test]
    fn external_contacts_sample_with_empty_descriptions_parses() {
        // A Genesys external-contacts sample: description '' and a name with several words.
        let doc = json!({ "properties": {
            "text_languages_text": { "allOf": reference("text"), "title": "Text", "description": "", "maxLength": 100, "minLength": 0 },
            "dropdown_enum": { "allOf": reference("enum"), "title": "Dropdown", "description": "",
                "enum": ["_1", "_2"], "_enumProperties": { "_1": { "title": "1", "_disabled": false }, "_2": { "title": "2", "_disabled": false } } }
        }});
        let def = parse(&doc).unwrap();
        assert_eq!(
            def.attribute("text_languages_text")
                .unwrap()
                .description
                .as_deref(),
            Some("")
        );
    }

    #[test]
    fn core_type_names_round_trip() {
        for t in CoreType::ALL {
            assert_eq!(CoreType::parse(t.name()), Some(t));
            assert_eq!(CoreType::from_reference(&t.reference()), Some(t));
            assert_eq!(t.to_string(), t.name());
        }
        assert_eq!(CoreType::parse("string"), None);
        assert_eq!(CoreType::parse("Text"), None);
        assert_eq!(CoreType::from_reference("#/definitions/"), None);
    }

    #[test]
    fn core_type_descriptions_are_genesys_shaped() {
        let text = core_type_description(CoreType::Text);
        assert_eq!(text["name"], "text");
        assert_eq!(text["version"], 1);
        assert_eq!(text["current"], true);
        assert_eq!(text["schema"]["type"], json!(["string"]));
        assert_eq!(text["validationFields"], json!(["minLength", "maxLength"]));
        assert_eq!(
            text["validationLimits"]["maxLength"],
            json!({ "min": 1, "max": 100 })
        );
        assert_eq!(
            text["selfUri"],
            "/api/v2/taskmanagement/workitems/schemas/coretypes/text"
        );
        let longtext = core_type_description(CoreType::Longtext);
        assert_eq!(longtext["validationLimits"]["maxLength"]["max"], 1000);
        assert_eq!(
            core_type_description(CoreType::Url)["validationLimits"]["maxLength"]["max"],
            200
        );
        let tag = core_type_description(CoreType::Tag);
        assert_eq!(tag["schema"]["type"], json!(["array"]));
        assert_eq!(tag["validationFields"], json!(["minItems", "maxItems"]));
        assert_eq!(
            tag["itemValidationFields"],
            json!(["minLength", "maxLength"])
        );
        assert_eq!(tag["itemValidationLimits"]["maxLength"]["max"], 100);
        let int = core_type_description(CoreType::Integer);
        assert_eq!(int["validationLimits"]["maximum"]["max"], NUMBER_LIMIT);
        assert_eq!(int["validationLimits"]["minimum"]["min"], -NUMBER_LIMIT);
        let date = core_type_description(CoreType::Date);
        assert_eq!(date["schema"]["pattern"], DATE_PATTERN);
        assert_eq!(date["validationFields"], json!([]));
        assert!(date.get("validationLimits").is_none());
        assert_eq!(
            core_type_description(CoreType::Checkbox)["schema"]["type"],
            json!(["boolean"])
        );
        assert_eq!(
            core_type_description(CoreType::Enum)["validationFields"],
            json!(["enum"])
        );
    }

    #[test]
    fn quantity_limits_match_the_constants() {
        let l = quantity_limits();
        assert_eq!(l["maxNumberOfSchemasPerOrg"], 100);
        assert_eq!(l["maxNumberOfFieldsPerSchema"], 50);
        assert_eq!(l["maxSchemaNameCharacters"], 50);
        assert_eq!(l["maxFieldNameCharacters"], FIELD_NAME_MAX);
        assert!(schema_name("Claims").is_ok());
        assert_eq!(schema_name(&"x".repeat(51)).unwrap_err().field, "name");
        assert_eq!(schema_description(Some("  ")).unwrap(), None);
    }

    #[test]
    fn text_lengths_count_characters_at_the_boundaries() {
        let def = one("reason_text", json!({ "minLength": 2 }));
        assert!(set(&def, "reason_text", json!("x".repeat(100))).is_ok());
        let err = set(&def, "reason_text", json!("x".repeat(101))).unwrap_err();
        assert_eq!(err.field, "customFields.reason_text");
        assert!(set(&def, "reason_text", json!("xx")).is_ok());
        assert!(set(&def, "reason_text", json!("x")).is_err());
        assert!(set(&def, "reason_text", json!("")).is_err());
        // "é" is one character (two bytes); 100 of them fit, 101 do not.
        assert!(set(&def, "reason_text", json!("é".repeat(100))).is_ok());
        assert!(set(&def, "reason_text", json!("é".repeat(101))).is_err());
        // An emoji is one character (four bytes).
        assert!(set(&def, "reason_text", json!("😀".repeat(100))).is_ok());
        assert!(set(&def, "reason_text", json!("😀".repeat(101))).is_err());
        // e + combining acute accent is two scalar values.
        let combining = "e\u{301}".repeat(50);
        assert!(set(&def, "reason_text", json!(combining)).is_ok());
        assert!(set(&def, "reason_text", json!(format!("{combining}e\u{301}"))).is_err());
        // Strings are kept as given, not trimmed.
        assert_eq!(
            set(&def, "reason_text", json!("  a  ")).unwrap(),
            json!("  a  ")
        );
        assert!(set(&def, "reason_text", json!(5)).is_err());
        assert!(set(&def, "reason_text", json!(["a", "b"])).is_err());
    }

    #[test]
    fn longtext_and_identifier_use_their_own_limits() {
        let long = one("notes_longtext", json!({}));
        assert!(
            set(
                &long,
                "notes_longtext",
                json!(format!("{}\n{}", "a".repeat(500), "b".repeat(499)))
            )
            .is_ok()
        );
        assert!(set(&long, "notes_longtext", json!("a".repeat(1001))).is_err());
        let id = one("account_identifier", json!({ "maxLength": 8 }));
        assert!(set(&id, "account_identifier", json!("AC-12345")).is_ok());
        assert!(set(&id, "account_identifier", json!("AC-123456")).is_err());
        let plain = one("account_identifier", json!({}));
        assert!(set(&plain, "account_identifier", json!("i".repeat(100))).is_ok());
        assert!(set(&plain, "account_identifier", json!("i".repeat(101))).is_err());
    }

    #[test]
    fn urls_must_be_absolute_http_or_https() {
        let def = one("site_url", json!({ "maxLength": 200 }));
        for ok in [
            "https://www.test.com",
            "http://example.com/a/b?c=d#e",
            "HTTPS://Example.COM:8443/path",
            "https://user:pw@example.com/",
            "https://[2001:db8::1]:443/x",
            "https://bücher.example/ü",
            "http://localhost",
        ] {
            assert!(set(&def, "site_url", json!(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "ftp://example.com/file",
            "www.example.com",
            "example",
            "mailto:someone@example.com",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://example.com/a b",
            "https://example.com:99999/",
            "https://example.com:port/",
            "https://[::1/",
            "javascript://alert(1)",
            "https://-bad.example",
        ] {
            assert!(set(&def, "site_url", json!(bad)).is_err(), "{bad}");
        }
        let long = format!("https://example.com/{}", "p".repeat(181));
        assert_eq!(long.chars().count(), 201);
        assert!(set(&def, "site_url", json!(long)).is_err());
        assert!(set(&def, "site_url", json!(&long[..200])).is_ok());
    }

    fn enum_def() -> SchemaDefinition {
        one(
            "channel_enum",
            json!({
                "enum": ["phone", "email", "fax"],
                "_enumProperties": {
                    "phone": { "title": "Phone", "_disabled": false },
                    "email": { "title": "Email" },
                    "fax": { "title": "Fax", "_disabled": true }
                }
            }),
        )
    }

    #[test]
    fn enums_accept_only_enabled_values() {
        let def = enum_def();
        let attr = def.attribute("channel_enum").unwrap();
        assert_eq!(attr.disabled_enum_values, ["fax"]);
        assert_eq!(
            attr.enabled_enum_values().collect::<Vec<_>>(),
            ["phone", "email"]
        );
        assert!(set(&def, "channel_enum", json!("email")).is_ok());
        let err = set(&def, "channel_enum", json!("fax")).unwrap_err();
        assert!(err.message.contains("disabled"), "{err}");
        let err = set(&def, "channel_enum", json!("sms")).unwrap_err();
        assert!(err.message.contains("phone, email"), "{err}");
        assert!(set(&def, "channel_enum", json!("Phone")).is_err());
        assert!(set(&def, "channel_enum", json!(1)).is_err());
    }

    #[test]
    fn a_disabled_value_already_held_survives_other_changes() {
        let mut def = enum_def();
        def.attributes
            .push(Attribute::new("note_text", CoreType::Text));
        let current = obj(json!({ "channel_enum": "fax" }));
        let merged = merge_fields(&def, &current, &obj(json!({ "note_text": "hi" }))).unwrap();
        assert_eq!(
            merged,
            obj(json!({ "channel_enum": "fax", "note_text": "hi" }))
        );
        // Setting it again is refused.
        assert!(
            merge_fields(
                &def,
                &obj(json!({})),
                &obj(json!({ "channel_enum": "fax" }))
            )
            .is_err()
        );
    }

    #[test]
    fn tags_are_unique_non_empty_strings_within_limits() {
        let def = one(
            "labels_tag",
            json!({ "items": { "minLength": 2, "maxLength": 5 }, "minItems": 1, "maxItems": 3 }),
        );
        assert!(set(&def, "labels_tag", json!(["ab", "cde"])).is_ok());
        assert!(set(&def, "labels_tag", json!(["ab", "cd", "ef"])).is_ok());
        assert!(set(&def, "labels_tag", json!(["ab", "cd", "ef", "gh"])).is_err());
        assert!(set(&def, "labels_tag", json!([])).is_err());
        let err = set(&def, "labels_tag", json!(["ab", "ab"])).unwrap_err();
        assert_eq!(err.field, "customFields.labels_tag[1]");
        assert!(set(&def, "labels_tag", json!(["a"])).is_err());
        assert!(set(&def, "labels_tag", json!(["abcdef"])).is_err());
        assert!(set(&def, "labels_tag", json!(["éééé"])).is_ok());
        assert_eq!(
            set(&def, "labels_tag", json!(["ab", 3])).unwrap_err().field,
            "customFields.labels_tag[1]"
        );
        assert!(set(&def, "labels_tag", json!("ab")).is_err());
        // Without limits: up to 10 tags of 1 to 100 characters; empty tags are refused.
        let plain = one("labels_tag", json!({}));
        assert!(set(&plain, "labels_tag", json!([])).is_ok());
        assert!(set(&plain, "labels_tag", json!([""])).is_err());
        let ten: Vec<String> = (0..10).map(|i| format!("t{i}")).collect();
        assert!(set(&plain, "labels_tag", json!(ten)).is_ok());
        let eleven: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        assert!(set(&plain, "labels_tag", json!(eleven)).is_err());
        assert!(set(&plain, "labels_tag", json!(["x".repeat(100)])).is_ok());
        assert!(set(&plain, "labels_tag", json!(["x".repeat(101)])).is_err());
        // Uniqueness is exact: case differs, so both stay.
        assert!(set(&plain, "labels_tag", json!(["VIP", "vip"])).is_ok());
    }

    #[test]
    fn dates_are_calendar_days() {
        let def = one("due_date", json!({}));
        assert_eq!(
            set(&def, "due_date", json!("2024-02-29")).unwrap(),
            json!("2024-02-29")
        );
        assert!(
            set(&def, "due_date", json!("2023-02-29"))
                .unwrap_err()
                .message
                .contains("calendar")
        );
        for bad in [
            "2024-2-29",
            "2024-02-29T00:00:00Z",
            "29/02/2024",
            "2024-13-01",
            "2024-00-10",
            "20240229",
            " 2024-02-29",
            "2024-02-30",
        ] {
            assert!(set(&def, "due_date", json!(bad)).is_err(), "{bad}");
        }
        assert!(set(&def, "due_date", json!(20240229)).is_err());
    }

    #[test]
    fn datetimes_are_normalised_to_utc_milliseconds() {
        let def = one("seen_datetime", json!({}));
        let cases = [
            ("2021-01-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z"),
            ("2021-01-01T00:00:00Z", "2021-01-01T00:00:00.000Z"),
            ("2024-05-01T09:30:00+02:00", "2024-05-01T07:30:00.000Z"),
            ("2024-05-01T09:30:00.5-05:30", "2024-05-01T15:00:00.500Z"),
            ("2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00.000Z"),
            ("2024-05-01T09:30:00.123456789Z", "2024-05-01T09:30:00.123Z"),
            ("2024-02-29T12:00:00-00:00", "2024-02-29T12:00:00.000Z"),
        ];
        for (given, stored) in cases {
            assert_eq!(
                set(&def, "seen_datetime", json!(given)).unwrap(),
                json!(stored),
                "{given}"
            );
        }
        for bad in [
            "2024-05-01T09:30:00",
            "2024-05-01T09:30Z",
            "2024-05-01 09:30:00Z",
            "2024-05-01T09:30:00.Z",
            "2024-05-01T09:30:00.1234567890Z",
            "2024-05-01T09:30:00+0200",
            "2024-05-01T24:00:00Z",
            "2024-05-01T23:59:60Z",
            "2023-02-29T00:00:00Z",
            "2024-05-01T09:30:00+24:00",
            "2024-05-01",
            "9999-12-31T23:00:00-05:00",
        ] {
            assert!(set(&def, "seen_datetime", json!(bad)).is_err(), "{bad}");
        }
        assert!(set(&def, "seen_datetime", json!(1714555800000_i64)).is_err());
    }

    #[test]
    fn integers_are_whole_json_numbers_in_range() {
        let def = one("count_integer", json!({ "minimum": -5, "maximum": 5 }));
        assert_eq!(set(&def, "count_integer", json!(5)).unwrap(), json!(5));
        assert_eq!(set(&def, "count_integer", json!(-5)).unwrap(), json!(-5));
        assert!(set(&def, "count_integer", json!(6)).is_err());
        assert!(set(&def, "count_integer", json!(-6)).is_err());
        // 1.0 and 1.5 are not integers; neither are strings.
        let err = set(&def, "count_integer", json!(1.5)).unwrap_err();
        assert!(err.message.contains("fraction"), "{err}");
        assert!(set(&def, "count_integer", json!(1.0)).is_err());
        assert!(set(&def, "count_integer", json!("5")).is_err());
        assert!(set(&def, "count_integer", json!(true)).is_err());
        let parsed: Value = serde_json::from_str("1e0").unwrap();
        assert!(set(&def, "count_integer", parsed).is_err());
        // serde_json reads `-0` as the float -0.0, so it is refused like 1.0.
        let negative_zero: Value = serde_json::from_str("-0").unwrap();
        assert!(negative_zero.is_f64());
        assert!(set(&def, "count_integer", negative_zero).is_err());
        assert_eq!(set(&def, "count_integer", json!(0)).unwrap(), json!(0));
        // Without bounds: ±(2^53 - 1); i64::MAX and u64::MAX are refused.
        let plain = one("count_integer", json!({}));
        assert!(set(&plain, "count_integer", json!(NUMBER_LIMIT)).is_ok());
        assert!(set(&plain, "count_integer", json!(-NUMBER_LIMIT)).is_ok());
        assert!(set(&plain, "count_integer", json!(NUMBER_LIMIT + 1)).is_err());
        assert!(set(&plain, "count_integer", json!(i64::MAX)).is_err());
        assert!(set(&plain, "count_integer", json!(u64::MAX)).is_err());
    }

    #[test]
    fn numbers_are_finite_and_in_range() {
        let def = one("price_number", json!({ "minimum": 0, "maximum": 1000.5 }));
        assert_eq!(set(&def, "price_number", json!(9)).unwrap(), json!(9));
        assert_eq!(
            set(&def, "price_number", json!(1000.5)).unwrap(),
            json!(1000.5)
        );
        assert!(set(&def, "price_number", json!(1000.51)).is_err());
        assert!(set(&def, "price_number", json!(-0.01)).is_err());
        let stored = set(&def, "price_number", json!(-0.0)).unwrap();
        assert_eq!(serde_json::to_string(&stored).unwrap(), "0.0");
        assert!(set(&def, "price_number", json!("9.5")).is_err());
        assert!(set(&def, "price_number", json!(null)).unwrap().is_null());
        let plain = one("price_number", json!({}));
        assert!(set(&plain, "price_number", json!(1e308)).is_err());
        assert!(set(&plain, "price_number", json!(-1e308)).is_err());
        assert!(set(&plain, "price_number", json!(9_007_199_254_740_991.0)).is_ok());
        assert!(set(&plain, "price_number", json!(1.5e-300)).is_ok());
    }

    #[test]
    fn checkboxes_are_booleans() {
        let def = one("vip_checkbox", json!({}));
        assert_eq!(set(&def, "vip_checkbox", json!(true)).unwrap(), json!(true));
        assert_eq!(
            set(&def, "vip_checkbox", json!(false)).unwrap(),
            json!(false)
        );
        assert!(set(&def, "vip_checkbox", json!("true")).is_err());
        assert!(set(&def, "vip_checkbox", json!(1)).is_err());
    }

    fn required_def() -> SchemaDefinition {
        parse(&json!({
            "properties": {
                "reason_text": { "allOf": reference("text") },
                "price_number": { "allOf": reference("number") }
            },
            "required": ["reason_text"]
        }))
        .unwrap()
    }

    #[test]
    fn unknown_keys_are_refused_and_empty_is_valid() {
        let def = required_def();
        let err = validate_fields(
            &def,
            &obj(json!({ "reason_text": "x", "colour_text": "red" })),
            false,
        )
        .unwrap_err();
        assert_eq!(err.field, "customFields.colour_text");
        assert!(
            validate_fields(&def, &Map::new(), false)
                .unwrap()
                .is_empty()
        );
        assert!(
            validate_fields(&SchemaDefinition::default(), &Map::new(), true)
                .unwrap()
                .is_empty()
        );
        assert!(
            validate_fields(
                &SchemaDefinition::default(),
                &obj(json!({ "a_text": "x" })),
                false
            )
            .is_err()
        );
    }

    #[test]
    fn required_attributes_must_be_set_on_creation() {
        let def = required_def();
        let err = validate_fields(&def, &Map::new(), true).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.message.as_str()),
            ("customFields.reason_text", "is required")
        );
        assert!(validate_fields(&def, &obj(json!({ "reason_text": null })), true).is_err());
        let ok = validate_fields(
            &def,
            &obj(json!({ "reason_text": "x", "price_number": null })),
            true,
        )
        .unwrap();
        assert_eq!(ok, obj(json!({ "reason_text": "x" })));
    }

    #[test]
    fn merging_applies_patches_and_null_clears() {
        let def = required_def();
        let current = obj(json!({ "reason_text": "old", "price_number": 5 }));
        let merged = merge_fields(&def, &current, &obj(json!({ "reason_text": "new" }))).unwrap();
        assert_eq!(
            merged,
            obj(json!({ "reason_text": "new", "price_number": 5 }))
        );
        let cleared = merge_fields(&def, &current, &obj(json!({ "price_number": null }))).unwrap();
        assert_eq!(cleared, obj(json!({ "reason_text": "old" })));
        let err = merge_fields(&def, &current, &obj(json!({ "reason_text": null }))).unwrap_err();
        assert_eq!(err.field, "customFields.reason_text");
        assert!(merge_fields(&def, &current, &obj(json!({ "other_text": "x" }))).is_err());
        assert!(merge_fields(&def, &current, &obj(json!({ "price_number": "x" }))).is_err());
        assert_eq!(merge_fields(&def, &current, &Map::new()).unwrap(), current);
        // A key the schema no longer has cannot be kept.
        let stale = obj(json!({ "reason_text": "x", "gone_text": "y" }));
        assert_eq!(
            merge_fields(&def, &stale, &Map::new()).unwrap_err().field,
            "customFields.gone_text"
        );
    }

    #[test]
    fn attribute_names_must_end_in_their_core_type() {
        let prop = json!({ "allOf": reference("number") });
        for (name, why) in [
            ("price", "core type"),
            ("price_num", "core type"),
            ("price_Number", "core type"),
            ("_number", "letter"),
            ("1price_number", "letter"),
            ("price-usd_number", "letters"),
            ("prix_é_number", "letters"),
        ] {
            let err = prop_err(name, prop.clone());
            assert_eq!(err.field, format!("jsonSchema.properties.{name}"));
            assert!(err.message.contains(why), "{name}: {err}");
        }
        let long = format!("{}_number", "p".repeat(FIELD_NAME_MAX - 6));
        assert_eq!(long.chars().count(), FIELD_NAME_MAX + 1);
        assert!(prop_err(&long, prop.clone()).message.contains("at most"));
        assert!(parse(&json!({ "properties": { &long[1..]: prop } })).is_ok());
    }

    #[test]
    fn the_reference_must_match_the_suffix() {
        let err = prop_err("price_number", json!({ "allOf": reference("integer") }));
        assert_eq!(
            err.field,
            "jsonSchema.properties.price_number.allOf[0].$ref"
        );
        let err = prop_err("price_number", json!({ "allOf": reference("money") }));
        assert_eq!(
            err.field,
            "jsonSchema.properties.price_number.allOf[0].$ref"
        );
        for bad in [
            json!({}),
            json!({ "allOf": [] }),
            json!({ "allOf": { "$ref": "#/definitions/number" } }),
            json!({ "allOf": [{ "$ref": "#/definitions/number", "x": 1 }] }),
            json!({ "allOf": [{ "$ref": "#/definitions/number" }, { "$ref": "#/definitions/number" }] }),
        ] {
            assert_eq!(
                prop_err("price_number", bad).field,
                "jsonSchema.properties.price_number.allOf"
            );
        }
        assert_eq!(
            prop_err("price_number", json!("number")).field,
            "jsonSchema.properties.price_number"
        );
    }

    #[test]
    fn keywords_must_belong_to_the_core_type() {
        let err = prop_err(
            "count_integer",
            json!({ "allOf": reference("integer"), "minLength": 1 }),
        );
        assert_eq!(err.field, "jsonSchema.properties.count_integer.minLength");
        let err = prop_err(
            "reason_text",
            json!({ "allOf": reference("text"), "pattern": "^a" }),
        );
        assert_eq!(err.field, "jsonSchema.properties.reason_text.pattern");
        let err = prop_err(
            "reason_text",
            json!({ "allOf": reference("text"), "type": "string" }),
        );
        assert_eq!(err.field, "jsonSchema.properties.reason_text.type");
        let err = prop_err(
            "seen_date",
            json!({ "allOf": reference("date"), "enum": ["x"] }),
        );
        assert_eq!(err.field, "jsonSchema.properties.seen_date.enum");
        // null counts as absent.
        assert!(parse(&json!({ "properties": { "reason_text": { "allOf": reference("text"), "minLength": null, "title": null } } })).is_ok());
    }

    #[test]
    fn length_limits_are_checked() {
        let text = |extra: Value| {
            let mut p = json!({ "allOf": reference("text") });
            for (k, v) in obj(extra) {
                p[k] = v;
            }
            prop_err("reason_text", p)
        };
        let err = text(json!({ "minLength": 10, "maxLength": 5 }));
        assert_eq!(err.field, "jsonSchema.properties.reason_text.minLength");
        assert_eq!(
            text(json!({ "maxLength": 101 })).field,
            "jsonSchema.properties.reason_text.maxLength"
        );
        assert_eq!(
            text(json!({ "maxLength": 0 })).field,
            "jsonSchema.properties.reason_text.maxLength"
        );
        assert_eq!(
            text(json!({ "minLength": 101 })).field,
            "jsonSchema.properties.reason_text.minLength"
        );
        assert_eq!(
            text(json!({ "minLength": -1 })).field,
            "jsonSchema.properties.reason_text.minLength"
        );
        assert_eq!(
            text(json!({ "minLength": 1.5 })).field,
            "jsonSchema.properties.reason_text.minLength"
        );
        assert_eq!(
            text(json!({ "maxLength": "10" })).field,
            "jsonSchema.properties.reason_text.maxLength"
        );
        assert_eq!(
            text(json!({ "title": "" })).field,
            "jsonSchema.properties.reason_text.title"
        );
        assert_eq!(
            text(json!({ "title": "t".repeat(257) })).field,
            "jsonSchema.properties.reason_text.title"
        );
        assert_eq!(
            text(json!({ "description": 5 })).field,
            "jsonSchema.properties.reason_text.description"
        );
        assert!(parse(&json!({ "properties": { "notes_longtext": { "allOf": reference("longtext"), "minLength": 1000, "maxLength": 1000 } } })).is_ok());
        let err = prop_err(
            "site_url",
            json!({ "allOf": reference("url"), "maxLength": 201 }),
        );
        assert_eq!(err.field, "jsonSchema.properties.site_url.maxLength");
    }

    #[test]
    fn numeric_bounds_are_checked() {
        let err = prop_err(
            "price_number",
            json!({ "allOf": reference("number"), "minimum": 10, "maximum": 1 }),
        );
        assert_eq!(err.field, "jsonSchema.properties.price_number.minimum");
        let err = prop_err(
            "count_integer",
            json!({ "allOf": reference("integer"), "minimum": 1.5 }),
        );
        assert_eq!(err.field, "jsonSchema.properties.count_integer.minimum");
        let err = prop_err(
            "count_integer",
            json!({ "allOf": reference("integer"), "maximum": i64::MAX }),
        );
        assert_eq!(err.field, "jsonSchema.properties.count_integer.maximum");
        let err = prop_err(
            "price_number",
            json!({ "allOf": reference("number"), "maximum": 1e300 }),
        );
        assert_eq!(err.field, "jsonSchema.properties.price_number.maximum");
        let err = prop_err(
            "price_number",
            json!({ "allOf": reference("number"), "maximum": "5" }),
        );
        assert_eq!(err.field, "jsonSchema.properties.price_number.maximum");
        assert!(parse(&json!({ "properties": { "price_number": { "allOf": reference("number"), "minimum": 5, "maximum": 5 } } })).is_ok());
    }

    #[test]
    fn enums_are_checked() {
        let e = |extra: Value| {
            let mut p = json!({ "allOf": reference("enum") });
            for (k, v) in obj(extra) {
                p[k] = v;
            }
            prop_err("channel_enum", p)
        };
        assert_eq!(
            e(json!({})).field,
            "jsonSchema.properties.channel_enum.enum"
        );
        assert_eq!(
            e(json!({ "enum": [] })).field,
            "jsonSchema.properties.channel_enum.enum"
        );
        assert_eq!(
            e(json!({ "enum": ["a", "a"] })).field,
            "jsonSchema.properties.channel_enum.enum[1]"
        );
        assert_eq!(
            e(json!({ "enum": ["a", ""] })).field,
            "jsonSchema.properties.channel_enum.enum[1]"
        );
        assert_eq!(
            e(json!({ "enum": ["a", 1] })).field,
            "jsonSchema.properties.channel_enum.enum[1]"
        );
        assert_eq!(
            e(json!({ "enum": ["x".repeat(101)] })).field,
            "jsonSchema.properties.channel_enum.enum[0]"
        );
        let fifty_one: Vec<String> = (0..51).map(|i| format!("v{i}")).collect();
        assert_eq!(
            e(json!({ "enum": fifty_one })).field,
            "jsonSchema.properties.channel_enum.enum"
        );
        let err = e(json!({ "enum": ["a"], "_enumProperties": { "b": { "title": "B" } } }));
        assert_eq!(
            err.field,
            "jsonSchema.properties.channel_enum._enumProperties.b"
        );
        let err = e(
            json!({ "enum": ["a", "b"], "_enumProperties": { "a": { "title": "X" }, "b": { "title": "X" } } }),
        );
        assert_eq!(
            err.field,
            "jsonSchema.properties.channel_enum._enumProperties.b.title"
        );
        let err = e(json!({ "enum": ["a"], "_enumProperties": { "a": { "_disabled": "yes" } } }));
        assert_eq!(
            err.field,
            "jsonSchema.properties.channel_enum._enumProperties.a._disabled"
        );
        let err = e(json!({ "enum": ["a"], "_enumProperties": { "a": { "colour": "red" } } }));
        assert_eq!(
            err.field,
            "jsonSchema.properties.channel_enum._enumProperties.a.colour"
        );
    }

    #[test]
    fn tag_limits_are_checked() {
        let t = |extra: Value| {
            let mut p = json!({ "allOf": reference("tag") });
            for (k, v) in obj(extra) {
                p[k] = v;
            }
            prop_err("labels_tag", p)
        };
        assert_eq!(
            t(json!({ "maxItems": 11 })).field,
            "jsonSchema.properties.labels_tag.maxItems"
        );
        assert_eq!(
            t(json!({ "minItems": 5, "maxItems": 4 })).field,
            "jsonSchema.properties.labels_tag.minItems"
        );
        assert_eq!(
            t(json!({ "uniqueItems": false })).field,
            "jsonSchema.properties.labels_tag.uniqueItems"
        );
        assert_eq!(
            t(json!({ "items": { "maxLength": 101 } })).field,
            "jsonSchema.properties.labels_tag.items.maxLength"
        );
        assert_eq!(
            t(json!({ "items": { "minLength": 0 } })).field,
            "jsonSchema.properties.labels_tag.items.minLength"
        );
        assert_eq!(
            t(json!({ "items": { "minLength": 9, "maxLength": 3 } })).field,
            "jsonSchema.properties.labels_tag.items.minLength"
        );
        assert_eq!(
            t(json!({ "items": { "pattern": "x" } })).field,
            "jsonSchema.properties.labels_tag.items.pattern"
        );
        assert_eq!(
            t(json!({ "items": [] })).field,
            "jsonSchema.properties.labels_tag.items"
        );
        assert!(parse(&json!({ "properties": { "labels_tag": { "allOf": reference("tag"), "items": { "type": "string", "maxLength": 5 } } } })).is_ok());
    }

    #[test]
    fn defaults_are_validated_and_normalised() {
        let def = one(
            "seen_datetime",
            json!({ "default": "2024-05-01T09:30:00+02:00" }),
        );
        assert_eq!(
            def.attributes[0].default,
            Some(json!("2024-05-01T07:30:00.000Z"))
        );
        let err = prop_err(
            "count_integer",
            json!({ "allOf": reference("integer"), "maximum": 3, "default": 4 }),
        );
        assert_eq!(err.field, "jsonSchema.properties.count_integer.default");
        let err = prop_err(
            "c_enum",
            json!({ "allOf": reference("enum"), "enum": ["a", "b"],
            "_enumProperties": { "b": { "_disabled": true } }, "default": "b" }),
        );
        assert_eq!(err.field, "jsonSchema.properties.c_enum.default");
    }

    #[test]
    fn at_most_fifty_attributes() {
        let props = |n: usize| -> Map<String, Value> {
            (0..n)
                .map(|i| {
                    (
                        format!("a{i}_checkbox"),
                        json!({ "allOf": reference("checkbox") }),
                    )
                })
                .collect()
        };
        assert_eq!(
            parse(&json!({ "properties": props(50) }))
                .unwrap()
                .attributes
                .len(),
            50
        );
        let err = schema_err(json!({ "properties": props(51) }));
        assert_eq!(err.field, "jsonSchema.properties");
        assert!(err.message.contains("51"));
    }

    #[test]
    fn required_names_must_exist_once() {
        let props = json!({ "reason_text": { "allOf": reference("text") } });
        let err = schema_err(json!({ "properties": props, "required": ["missing_text"] }));
        assert_eq!(err.field, "jsonSchema.required[0]");
        let err =
            schema_err(json!({ "properties": props, "required": ["reason_text", "reason_text"] }));
        assert_eq!(err.field, "jsonSchema.required[1]");
        assert_eq!(
            schema_err(json!({ "properties": props, "required": "reason_text" })).field,
            "jsonSchema.required"
        );
        assert_eq!(
            schema_err(json!({ "properties": props, "required": [1] })).field,
            "jsonSchema.required[0]"
        );
        assert!(parse(&json!({ "properties": props, "required": [] })).is_ok());
    }

    #[test]
    fn document_level_keywords() {
        assert!(parse(&json!({})).unwrap().attributes.is_empty());
        let full = json!({
            "$schema": JSON_SCHEMA_DRAFT, "id": null, "title": "Claims", "description": "d",
            "type": "object", "additionalProperties": false, "properties": {}, "required": null
        });
        assert_eq!(parse(&full).unwrap().description.as_deref(), Some("d"));
        assert_eq!(schema_err(json!([])).field, "jsonSchema");
        assert_eq!(
            schema_err(json!({ "type": "array" })).field,
            "jsonSchema.type"
        );
        assert_eq!(
            schema_err(json!({ "additionalProperties": true })).field,
            "jsonSchema.additionalProperties"
        );
        assert_eq!(
            schema_err(json!({ "additionalProperties": {} })).field,
            "jsonSchema.additionalProperties"
        );
        assert_eq!(
            schema_err(json!({ "definitions": {} })).field,
            "jsonSchema.definitions"
        );
        assert_eq!(
            schema_err(json!({ "properties": [] })).field,
            "jsonSchema.properties"
        );
        assert_eq!(
            schema_err(json!({ "$schema": 4 })).field,
            "jsonSchema.$schema"
        );
        assert_eq!(schema_err(json!({ "title": 4 })).field, "jsonSchema.title");
        assert_eq!(
            schema_err(json!({ "description": "d".repeat(513) })).field,
            "jsonSchema.description"
        );
    }

    #[test]
    fn the_canonical_document_parses_back_to_the_same_definition() {
        let mut doc = terraform_schema();
        doc["required"] = json!(["custom_attribute_1_text", "custom_attribute_5_enum"]);
        doc["properties"]["custom_attribute_5_enum"]["_enumProperties"]["option_3"]["_disabled"] =
            json!(true);
        doc["properties"]["custom_attribute_9_number"]["default"] = json!(2.5);
        let def = parse(&doc).unwrap();
        let canonical = def.to_json_schema();
        assert_eq!(canonical["additionalProperties"], false);
        assert_eq!(
            canonical["properties"]["custom_attribute_8_integer"]["allOf"],
            reference("integer")
        );
        assert_eq!(parse(&canonical).unwrap(), def);
        let enum_attr = &canonical["properties"]["custom_attribute_5_enum"];
        assert_eq!(
            enum_attr["_enumProperties"]["option_3"],
            json!({ "title": "Option 3", "_disabled": true })
        );
    }
}
