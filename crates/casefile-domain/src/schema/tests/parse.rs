//! `parse.rs`: what a `jsonSchema` document may say, and the field each refusal names.

use super::*;

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
fn schema_names_and_descriptions_are_checked() {
    assert!(schema_name("Claims").is_ok());
    assert_eq!(schema_name(&"x".repeat(51)).unwrap_err().field, "name");
    assert_eq!(schema_description(Some("  ")).unwrap(), None);
}
