//! Completes the OpenAPI document with what operations share and their annotations leave
//! out: the permissions of each (from [`permissions`]) and the error answers every
//! operation of its kind can give — 401 and 429 on authenticated ones, 403 where a
//! permission is needed, 400/413/415 where a body is read, 400 where parameters are, 404
//! where an object is named, 409 on deletes (an object in use), 503 while the database is
//! unavailable. Each such answer is the Genesys error body.

use utoipa::openapi::path::Operation;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder};

use super::permissions::{self, Need};

pub fn complete(doc: &mut OpenApi) {
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
    if !parameters.is_empty() {
        add(op, "400", "A parameter is invalid; it is named.");
    }
    if path.contains('{') && secured {
        add(
            op,
            "404",
            "The object does not exist, or the caller may not see it.",
        );
    }
    if method == "DELETE" {
        add(op, "409", "The object is in use and cannot be deleted.");
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
