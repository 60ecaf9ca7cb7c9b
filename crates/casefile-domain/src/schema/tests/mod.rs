//! The schema module's tests, one file per file of the module (`samples` drives them all with
//! real payloads). They go through the public functions, so they live apart from the code:
//! the helpers below parse and validate, which every layer's tests need.

use crate::schema;
use serde_json::{Map, Value, json};

use super::*;
use crate::Invalid;

mod core_type;
mod format;
mod parse;
mod samples;
mod validation;

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn one(name: &str, extra: Value) -> schema::Definition {
    let t = name.rsplit_once('_').map(|(_, t)| t).unwrap_or_default();
    let mut prop = json!({ "allOf": [{ "$ref": format!("#/definitions/{t}") }], "title": "T" });
    for (k, v) in obj(extra) {
        prop[k] = v;
    }
    parse(&json!({ "properties": { name: prop } })).unwrap()
}

fn set(def: &schema::Definition, name: &str, v: Value) -> Result<Value, Invalid> {
    let out = validate_fields(def, &obj(json!({ name: v })), false)?;
    Ok(out.get(name).cloned().unwrap_or(Value::Null))
}

fn schema_err(doc: Value) -> Invalid {
    parse(&doc).unwrap_err()
}

fn prop_err(name: &str, prop: Value) -> Invalid {
    schema_err(json!({ "properties": { name: prop } }))
}

fn reference(t: &str) -> Value {
    json!([{ "$ref": format!("#/definitions/{t}") }])
}
