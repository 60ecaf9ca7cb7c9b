//! A parsed schema: its [`Attribute`]s (the `properties`), their bounds, and the canonical
//! `jsonSchema` document they make.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value, json};

use super::core_type::CoreType;
use super::limits::{JSON_SCHEMA_DRAFT, NUMBER_LIMIT, TAG_ITEMS_MAX, TAG_MAX_LENGTH};

/// One custom attribute of a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub core_type: CoreType,
    pub title: Option<String>,
    pub description: Option<String>,
    pub required: bool,
    /// Text-like core types.
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// Integer and number; for integer both are JSON integers.
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    /// Enum: every value in order, the disabled ones, and the titles given.
    pub enum_values: Vec<String>,
    pub disabled_enum_values: Vec<String>,
    pub enum_titles: BTreeMap<String, String>,
    /// Tag: how many tags, and each tag's length.
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub item_min_length: Option<u64>,
    pub item_max_length: Option<u64>,
    /// Already validated and normalised.
    pub default: Option<Value>,
}

impl Attribute {
    pub fn new(name: impl Into<String>, core_type: CoreType) -> Attribute {
        Attribute {
            name: name.into(),
            core_type,
            title: None,
            description: None,
            required: false,
            min_length: None,
            max_length: None,
            minimum: None,
            maximum: None,
            enum_values: Vec::new(),
            disabled_enum_values: Vec::new(),
            enum_titles: BTreeMap::new(),
            min_items: None,
            max_items: None,
            item_min_length: None,
            item_max_length: None,
            default: None,
        }
    }

    /// Inclusive length bounds of a text-like value, with the core type's built-in maximum.
    pub fn length_bounds(&self) -> (u64, u64) {
        let max = self.max_length.or(self.core_type.max_length_limit());
        (self.min_length.unwrap_or(0), max.unwrap_or(u64::MAX))
    }

    /// Inclusive bounds on the number of tags.
    pub fn items_bounds(&self) -> (u64, u64) {
        (
            self.min_items.unwrap_or(0),
            self.max_items.unwrap_or(TAG_ITEMS_MAX),
        )
    }

    /// Inclusive bounds on each tag's length.
    pub fn item_length_bounds(&self) -> (u64, u64) {
        (
            self.item_min_length.unwrap_or(1).max(1),
            self.item_max_length.unwrap_or(TAG_MAX_LENGTH),
        )
    }

    /// Inclusive bounds of an integer value.
    pub fn integer_bounds(&self) -> (i64, i64) {
        (
            self.minimum
                .as_ref()
                .and_then(Number::as_i64)
                .unwrap_or(-NUMBER_LIMIT),
            self.maximum
                .as_ref()
                .and_then(Number::as_i64)
                .unwrap_or(NUMBER_LIMIT),
        )
    }

    /// Inclusive bounds of a number value.
    pub fn number_bounds(&self) -> (f64, f64) {
        (
            self.minimum
                .as_ref()
                .and_then(Number::as_f64)
                .unwrap_or(-NUMBER_LIMIT as f64),
            self.maximum
                .as_ref()
                .and_then(Number::as_f64)
                .unwrap_or(NUMBER_LIMIT as f64),
        )
    }

    /// The enum values a field may be set to.
    pub fn enabled_enum_values(&self) -> impl Iterator<Item = &str> {
        self.enum_values
            .iter()
            .filter(|v| !self.disabled_enum_values.contains(v))
            .map(String::as_str)
    }

    /// The attribute as a `properties` entry of a Genesys `jsonSchema`.
    pub fn to_json(&self) -> Value {
        let mut p = Map::new();
        p.insert(
            "allOf".into(),
            json!([{ "$ref": self.core_type.reference() }]),
        );
        if let Some(t) = &self.title {
            p.insert("title".into(), json!(t));
        }
        if let Some(d) = &self.description {
            p.insert("description".into(), json!(d));
        }
        let mut put = |key: &str, v: Option<Value>| {
            if let Some(v) = v {
                p.insert(key.into(), v);
            }
        };
        put("minLength", self.min_length.map(Value::from));
        put("maxLength", self.max_length.map(Value::from));
        put("minimum", self.minimum.clone().map(Value::Number));
        put("maximum", self.maximum.clone().map(Value::Number));
        put("minItems", self.min_items.map(Value::from));
        put("maxItems", self.max_items.map(Value::from));
        put("default", self.default.clone());
        if self.core_type == CoreType::Enum {
            let props: Map<String, Value> = self
                .enum_values
                .iter()
                .map(|v| {
                    let mut o = Map::new();
                    if let Some(t) = self.enum_titles.get(v) {
                        o.insert("title".into(), json!(t));
                    }
                    o.insert(
                        "_disabled".into(),
                        json!(self.disabled_enum_values.contains(v)),
                    );
                    (v.clone(), Value::Object(o))
                })
                .collect();
            p.insert("enum".into(), json!(self.enum_values));
            p.insert("_enumProperties".into(), Value::Object(props));
        }
        if self.core_type == CoreType::Tag {
            let mut items = Map::new();
            if let Some(n) = self.item_min_length {
                items.insert("minLength".into(), json!(n));
            }
            if let Some(n) = self.item_max_length {
                items.insert("maxLength".into(), json!(n));
            }
            if !items.is_empty() {
                p.insert("items".into(), Value::Object(items));
            }
            p.insert("uniqueItems".into(), json!(true));
        }
        Value::Object(p)
    }
}

/// A parsed, validated schema: its attributes in name order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Definition {
    pub title: Option<String>,
    pub description: Option<String>,
    pub attributes: Vec<Attribute>,
}

impl Definition {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn required(&self) -> impl Iterator<Item = &Attribute> {
        self.attributes.iter().filter(|a| a.required)
    }

    /// The schema as a canonical Genesys `jsonSchema` document; [`parse`](super::parse) reads it back
    /// to an equal definition.
    pub fn to_json_schema(&self) -> Value {
        let properties: Map<String, Value> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.to_json()))
            .collect();
        let required: Vec<&str> = self.required().map(|a| a.name.as_str()).collect();
        let mut doc = json!({
            "$schema": JSON_SCHEMA_DRAFT,
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        });
        if let Some(t) = &self.title {
            doc["title"] = json!(t);
        }
        if let Some(d) = &self.description {
            doc["description"] = json!(d);
        }
        if !required.is_empty() {
            doc["required"] = json!(required);
        }
        doc
    }
}
