//! Real payloads (Terraform provider, Genesys SDK, an external-contacts sample) parsed and
//! their fields validated end to end; `definition.rs`'s canonical document read back.

use std::collections::BTreeSet;

use super::*;

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
