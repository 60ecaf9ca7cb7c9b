//! The core-type catalogue and the schema quantity limits as the HTTP API shows them (Genesys
//! `Coretype` and `SchemaQuantityLimits`): wire-format JSON, `selfUri`s included, built from
//! the facts `casefile_domain::schema` states (the core types and the built-in limits).

use casefile_domain::schema::{
    CoreType, ENUM_VALUE_MAX_LENGTH, ENUM_VALUES_MAX, FIELD_DESCRIPTION_MAX, FIELD_NAME_MAX,
    FIELD_TITLE_MAX, MAX_ATTRIBUTES, MAX_SCHEMAS, NUMBER_LIMIT, SCHEMA_DESCRIPTION_MAX,
    SCHEMA_NAME_MAX, SCHEMA_NAME_MIN, TAG_ITEMS_MAX, TAG_MAX_LENGTH,
};
use serde_json::{Value, json};

fn limit(min: i64, max: i64) -> Value {
    json!({ "min": min, "max": max })
}

fn count_limit(min: u64, max: u64) -> Value {
    json!({ "min": min, "max": max })
}

/// A core type as `GET /api/v2/taskmanagement/workitems/schemas/coretypes[/{name}]` shows it
/// (Genesys `Coretype`), without `dateCreated`, which [`coretype`] adds. `id` is the name.
pub(super) fn core_type_description(t: CoreType) -> Value {
    let mut schema =
        json!({ "title": t.title(), "description": t.summary(), "type": [t.value_type()] });
    if let Some(item) = t.item_type() {
        schema["items"] = json!({ "type": item });
    }
    if let Some(pattern) = t.pattern() {
        schema["pattern"] = json!(pattern);
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

/// A core type as the coretypes endpoints serve it: [`core_type_description`] with its
/// `dateCreated`.
pub(super) fn coretype(t: CoreType) -> Value {
    let mut body = core_type_description(t);
    if let Some(obj) = body.as_object_mut() {
        obj.insert("dateCreated".into(), json!("2026-01-01T00:00:00.000Z"));
    }
    body
}

/// `GET /api/v2/taskmanagement/workitems/schemas/limits` (Genesys `SchemaQuantityLimits`).
pub(super) fn quantity_limits() -> Value {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(date["schema"]["pattern"], r"^\d{4}-\d{2}-\d{2}$");
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
    }
}
