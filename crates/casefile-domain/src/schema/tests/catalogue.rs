//! `catalogue.rs`: the coretypes and limits bodies of the HTTP API.

use super::*;
use crate::schema::catalogue::DATE_PATTERN;

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
