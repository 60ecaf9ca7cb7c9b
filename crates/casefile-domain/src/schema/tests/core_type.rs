//! `core_type.rs`: names and references round trip; the catalogue facts of each core type.

use super::*;

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
fn core_types_state_their_catalogue_facts() {
    assert_eq!(CoreType::Datetime.title(), "Date time");
    assert!(
        CoreType::Tag
            .summary()
            .contains("at most 10 unique strings")
    );
    assert_eq!(CoreType::Tag.value_type(), "array");
    assert_eq!(CoreType::Checkbox.value_type(), "boolean");
    assert_eq!(CoreType::Url.value_type(), "string");
    assert_eq!(CoreType::Enum.item_type(), Some("string"));
    assert_eq!(CoreType::Text.item_type(), None);
    assert_eq!(CoreType::Date.pattern(), Some(r"^\d{4}-\d{2}-\d{2}$"));
    for t in CoreType::ALL {
        assert!(!t.title().is_empty() && t.summary().ends_with('.'), "{t}");
        assert_eq!(
            t.pattern().is_some(),
            matches!(t, CoreType::Date | CoreType::Datetime),
            "{t}"
        );
    }
}
