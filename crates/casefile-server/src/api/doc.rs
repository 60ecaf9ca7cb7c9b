//! Completes the OpenAPI document with what operations share and their annotations leave
//! out: the permissions of each (from [`permissions`]) and the error answers every
//! operation of its kind can give — 401 and 429 on authenticated ones, 403 where a
//! permission is needed, 400/413/415 where a body is read, 400 where parameters are, 404
//! where an object is named, 409 on writes (a name taken, a version gone, an object in use),
//! 412 where `If-Match` is read, 503 while the database is unavailable. Each such answer is
//! the Genesys error body. And every free-text string says that it may not hold U+0000 (the
//! server refuses it everywhere, see `extract`).

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder};

use super::permissions::{self, Need};

/// Any text without U+0000.
const NO_NUL: &str = "^[^\\u0000]*$";

pub fn complete(doc: &mut OpenApi) {
    if let Some(components) = doc.components.as_mut() {
        for schema in components.schemas.values_mut() {
            no_nul(schema);
        }
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in [
            ("GET", &mut item.get),
            ("PUT", &mut item.put),
            ("POST", &mut item.post),
            ("DELETE", &mut item.delete),
            ("PATCH", &mut item.patch),
        ] {
            if let Some(op) = op {
                complete_operation(method, path, op);
            }
        }
    }
}

fn complete_operation(method: &str, path: &str, op: &mut Operation) {
    for parameter in op.parameters.iter_mut().flatten() {
        if let Some(schema) = parameter.schema.as_mut() {
            no_nul(schema);
        }
    }
    if let Some(body) = op.request_body.as_mut() {
        for content in body.content.values_mut() {
            if let Some(schema) = content.schema.as_mut() {
                no_nul(schema);
            }
        }
    }
    let secured = op.security.is_some();
    if secured {
        add(
            op,
            "401",
            "No bearer token, or one that is unknown or expired.",
        );
        add(
            op,
            "429",
            "The OAuth client's request rate limit is spent; `Retry-After` says when to retry.",
        );
        match permissions::need(method, path) {
            Some(Need::Any(needed)) => {
                let names: Vec<String> = needed.iter().map(|p| format!("`{}`", p.name())).collect();
                describe(
                    op,
                    &format!("Requires any of the permissions: {}.", names.join(", ")),
                );
                add(
                    op,
                    "403",
                    "The caller holds none of the operation's permissions (checked before the request is read), or lacks one for this object's division.",
                );
            }
            Some(Need::SignedIn(reason)) => {
                describe(op, &format!("Open to every signed-in caller: {reason}."));
            }
            None => {}
        }
    }
    if path != "/healthz" {
        add(
            op,
            "503",
            "The database is unavailable; `Retry-After` says when to retry.",
        );
    }
    if op.request_body.is_some() {
        add(
            op,
            "400",
            "The body is malformed or a field is invalid; the field is named.",
        );
        add(op, "413", "The body is larger than the server accepts.");
        add(op, "415", "The body is not of the documented content type.");
    }
    let parameters = op.parameters.as_deref().unwrap_or_default();
    let has_parameters = !parameters.is_empty();
    let if_match = parameters.iter().any(|p| p.name == "If-Match");
    if has_parameters {
        add(op, "400", "A parameter is invalid; it is named.");
    }
    if path.contains('{') && secured {
        add(
            op,
            "404",
            "The object does not exist, or the caller may not see it.",
        );
    }
    match method {
        "DELETE" => add(op, "409", "The object is in use and cannot be deleted."),
        "POST" | "PUT" | "PATCH" => add(
            op,
            "409",
            "The change conflicts with the stored data: a name or key already taken, or a version that is no longer current.",
        ),
        _ => {}
    }
    if if_match {
        add(
            op,
            "412",
            "The `If-Match` version is no longer the object's.",
        );
    }
}

/// Adds an error answer unless the operation documents that status already.
fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| RefOr::T(error_response(description)));
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
}

fn describe(op: &mut Operation, line: &str) {
    op.description = Some(match op.description.take() {
        Some(d) if !d.is_empty() => format!("{d}\n\n{line}"),
        _ => line.to_owned(),
    });
}

/// Gives every free-text string in `schema` (no pattern, format or enum of its own) the
/// pattern refusing U+0000.
fn no_nul(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(o) => {
            let text = match &o.schema_type {
                SchemaType::Type(t) => *t == Type::String,
                SchemaType::Array(types) => types.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            if text && o.pattern.is_none() && o.format.is_none() && o.enum_values.is_none() {
                o.pattern = Some(NO_NUL.to_owned());
            }
            for property in o.properties.values_mut() {
                no_nul(property);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                no_nul(items);
            }
        }
        Schema::AllOf(x) => x.items.iter_mut().for_each(no_nul),
        Schema::OneOf(x) => x.items.iter_mut().for_each(no_nul),
        Schema::AnyOf(x) => x.items.iter_mut().for_each(no_nul),
        _ => {}
    }
}
