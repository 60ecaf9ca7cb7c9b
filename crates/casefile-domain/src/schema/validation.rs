//! Validating workitem `customFields` against a [`Definition`]: each value checked
//! against its attribute and returned normalised.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::core_type::CoreType;
use super::definition::{Attribute, Definition};
use super::format::{check_date, check_datetime, check_url};
use crate::Invalid;

/// Validates workitem `customFields` against a schema and returns them normalised.
///
/// Unknown keys are refused; `null` leaves a field unset; with `require_all` (creation, or a
/// full replacement) every required attribute must have a value. Errors name
/// `customFields.<name>`.
pub fn validate_fields(
    def: &Definition,
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
    def: &Definition,
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

fn known<'a>(def: &'a Definition, at: &str, key: &str) -> Result<&'a Attribute, Invalid> {
    def.attribute(key)
        .ok_or_else(|| Invalid::new(at, "is not an attribute of the workitem's schema"))
}

/// Checks one non-null value against its attribute and returns it normalised.
pub(super) fn check_value(
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
