//! Reading a schema from the API: the `jsonSchema` document into a [`Definition`], and
//! a DataSchema's name and description. Errors name the field as the API spells it.

use std::collections::BTreeSet;

use serde_json::{Map, Number, Value};

use super::core_type::CoreType;
use super::definition::{Attribute, Definition};
use super::limits::{
    ENUM_VALUE_MAX_LENGTH, ENUM_VALUES_MAX, FIELD_DESCRIPTION_MAX, FIELD_NAME_MAX, FIELD_TITLE_MAX,
    MAX_ATTRIBUTES, NUMBER_LIMIT, SCHEMA_DESCRIPTION_MAX, SCHEMA_NAME_MAX, SCHEMA_NAME_MIN,
    TAG_ITEMS_MAX, TAG_MAX_LENGTH,
};
use super::validation::check_value;
use crate::Invalid;
use crate::invalid::{optional_text, required_text, text_length};

const ROOT: &str = "jsonSchema";

/// Checks a DataSchema's `name` (1 to 50 characters, trimmed).
pub fn schema_name(value: &str) -> Result<String, Invalid> {
    required_text("name", value, SCHEMA_NAME_MIN, SCHEMA_NAME_MAX)
}

/// A schema description as the DataSchema carries it (`description`), blank becoming `None`.
pub fn schema_description(value: Option<&str>) -> Result<Option<String>, Invalid> {
    optional_text("description", value, SCHEMA_DESCRIPTION_MAX)
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
pub fn parse(json_schema: &Value) -> Result<Definition, Invalid> {
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
    Ok(Definition {
        title,
        description,
        attributes,
    })
}
