//! `core_type.rs`: names and references round trip.

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
