//! `validation.rs`: `customFields` values against their attributes, required attributes,
//! and merging patches.

use super::*;
use crate::schema;

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

fn enum_def() -> schema::Definition {
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

fn required_def() -> schema::Definition {
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
        validate_fields(&schema::Definition::default(), &Map::new(), true)
            .unwrap()
            .is_empty()
    );
    assert!(
        validate_fields(
            &schema::Definition::default(),
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
