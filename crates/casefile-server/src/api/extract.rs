//! Request extractors whose every rejection is an [`ApiError`] naming the offending field.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use casefile_domain::authz::Principal;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON object body deserialized with the path of any bad value kept for the error.
/// (serde would also build a struct from a JSON array; an API body must be an object.)
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = json_bytes(req, state).await?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::bad_request("body", "must be a JSON object"));
        }
        parse_json(&bytes).map(JsonBody)
    }
}

/// A JSON array body (`PUT /api/v2/users/{id}/roles` takes a list of role ids).
#[derive(Debug)]
pub struct JsonList<T>(pub Vec<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonList<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = json_bytes(req, state).await?;
        parse_json(&bytes).map(JsonList)
    }
}

async fn json_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    if !is_json(req.headers()) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported.media.type",
            "the request body must be JSON (Content-Type: application/json)",
        ));
    }
    body_bytes(req, state).await
}

/// The raw body, with a too-large body a 413 and any other failure a 400, in the Genesys body.
async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request.entity.too.large",
                "the request body is too large",
            )
        } else {
            ApiError::bad_request("body", rejection.body_text())
        }
    })
}

/// A body taken as bytes (the token endpoint's form), its rejections Genesys errors.
#[derive(Debug)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        body_bytes(req, state).await.map(RawBody)
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mime = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Refuses U+0000 in a text value. PostgreSQL can store it neither in text nor in JSON (and
/// SQLite could), so both backends answer the same: a 400 naming the field.
pub fn no_nul(field: &str, value: &str) -> Result<(), ApiError> {
    if value.contains('\0') {
        return Err(nul(field));
    }
    Ok(())
}

fn nul(field: &str) -> ApiError {
    ApiError::bad_request(field, "must not contain the NUL character (U+0000)")
}

/// The path (`items[0].name`) of the first string in `value` holding U+0000, key or value.
fn nul_in(value: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if s.contains('\0') => Some(path.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_in(v, &format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            let at = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.contains('\0') {
                Some(if path.is_empty() {
                    "body".to_owned()
                } else {
                    path.to_owned()
                })
            } else {
                nul_in(v, &at)
            }
        }),
        _ => None,
    }
}

/// Deserializes `bytes`, naming the field at fault in the error (`addresses[0].mediaType`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // JSON can carry U+0000 only escaped; look closer only when the escape is there.
    if bytes.windows(6).any(|w| w == b"\\u0000")
        && let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(path) = nul_in(&value, "")
    {
        return Err(nul(if path.is_empty() { "body" } else { &path }));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let message = strip_position(&inner.to_string());
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::bad_request("body", format!("malformed JSON: {message}"));
        }
        ApiError::bad_request(field_of(&path, &message), message)
    })?;
    de.end().map_err(|e| {
        ApiError::bad_request(
            "body",
            format!("malformed JSON: {}", strip_position(&e.to_string())),
        )
    })?;
    Ok(value)
}

/// serde names unknown and missing fields in the message, below the reported path.
fn field_of(path: &str, message: &str) -> String {
    let named = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    match (path, named) {
        (".", Some(name)) => name.to_owned(),
        (parent, Some(name)) if parent == name || parent.ends_with(&format!(".{name}")) => {
            parent.to_owned()
        }
        (parent, Some(name)) => format!("{parent}.{name}"),
        (".", None) => "body".to_owned(),
        (parent, None) => parent.to_owned(),
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Query parameters, read by name, with errors that name the parameter.
#[derive(Debug, Default)]
pub struct QueryParams(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let raw = parts.uri.query().unwrap_or("");
        let params = serde_urlencoded::from_str::<Vec<(String, String)>>(raw)
            .map_err(|e| ApiError::bad_request("query", e.to_string()))?;
        for (name, value) in &params {
            no_nul(name, value)?;
            no_nul("query", name)?;
        }
        Ok(QueryParams(params))
    }
}

impl QueryParams {
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated parameter, also splitting comma-separated values.
    pub fn list(&self, name: &str) -> Option<Vec<String>> {
        let values: Vec<String> = self
            .0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            })
            .collect();
        if values.is_empty() {
            None
        } else {
            Some(values)
        }
    }

    pub fn int(&self, name: &str, min: i64, max: i64, default: i64) -> Result<i64, ApiError> {
        match self.str(name) {
            None => Ok(default),
            Some(v) => {
                let n: i64 = v.parse().map_err(|_| {
                    ApiError::bad_request(name, format!("must be an integer, got {v:?}"))
                })?;
                if n < min || n > max {
                    return Err(ApiError::bad_request(
                        name,
                        format!("must be between {min} and {max}, got {n}"),
                    ));
                }
                Ok(n)
            }
        }
    }

    /// The `pageSize` of a list paged by cursor (`after`): 1 to 200, default 25. Such a list
    /// has no page numbers, so a `pageNumber` is refused rather than silently ignored.
    pub fn cursor_page_size(&self) -> Result<i64, ApiError> {
        if self.str("pageNumber").is_some() {
            return Err(ApiError::bad_request(
                "pageNumber",
                "this list is paged by cursor: pass the previous page's `after` instead",
            ));
        }
        self.int("pageSize", 1, 200, 25)
    }

    pub fn bool(&self, name: &str) -> Result<bool, ApiError> {
        match self.str(name) {
            None => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(ApiError::bad_request(
                name,
                format!("must be true or false, got {v:?}"),
            )),
        }
    }
}

/// The address the request's connection came from, when the server knows it (the accept
/// loop records it; requests handed to the router in-process have none).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// The authenticated caller, put in the request by the auth middleware.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            ApiError::unauthorized(
                "no authentication bearer token specified in authorization header",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Body {
        name: String,
        items: Option<Vec<Item>>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Item {
        count: u8,
    }

    fn field(json: &str) -> String {
        parse_json::<Body>(json.as_bytes())
            .unwrap_err()
            .field
            .unwrap()
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(field(r#"{"name":"a","bogus":1}"#), "bogus");
        assert_eq!(field(r#"{"items":[]}"#), "name");
        assert_eq!(field(r#"{"name":1}"#), "name");
        assert_eq!(
            field(r#"{"name":"a","items":[{"count":300}]}"#),
            "items[0].count"
        );
        assert_eq!(
            field(r#"{"name":"a","items":[{"count":1,"x":2}]}"#),
            "items[0].x"
        );
        assert_eq!(field(r#"{"name":"#), "body");
        assert_eq!(field(r#"{"name":"a\u0000b"}"#), "name");
        assert_eq!(
            field(r#"{"name":"a","items":[{"x":"\u0000"}]}"#),
            "items[0].x"
        );
        assert_eq!(field(r#"{"name":"a","k\u0000":1}"#), "body");
        assert_eq!(field(r#"{"name":"a"} trailing"#), "body");
    }
}

/// A path parameter, with decoding failures answered as a 400 naming the parameter.
#[derive(Debug)]
pub struct PathParams<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if let Ok(raw) = axum::extract::RawPathParams::from_request_parts(parts, state).await {
            for (name, value) in &raw {
                no_nul(name, value)?;
            }
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| PathParams(v))
            .map_err(|rejection| ApiError::bad_request("path", rejection.body_text()))
    }
}
