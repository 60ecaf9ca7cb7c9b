//! The core-type catalogue and the quantity limits as the HTTP API shows them (Genesys
//! `Coretype` and `SchemaQuantityLimits`): wire-format JSON, `selfUri`s included.

use serde_json::{Value, json};

use super::core_type::CoreType;
use super::limits::{
    ENUM_VALUE_MAX_LENGTH, ENUM_VALUES_MAX, FIELD_DESCRIPTION_MAX, FIELD_NAME_MAX, FIELD_TITLE_MAX,
    MAX_ATTRIBUTES, MAX_SCHEMAS, NUMBER_LIMIT, SCHEMA_DESCRIPTION_MAX, SCHEMA_NAME_MAX,
    SCHEMA_NAME_MIN, TAG_ITEMS_MAX, TAG_MAX_LENGTH,
};

pub(super) const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}$";
pub(super) const DATETIME_PATTERN: &str =
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$";

fn title(t: CoreType) -> &'static str {
    match t {
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

fn summary(t: CoreType) -> &'static str {
    match t {
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
    let mut schema = json!({ "title": title(t), "description": summary(t), "type": types });
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
