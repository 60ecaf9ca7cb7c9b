//! Wire pieces shared by resources: references, instants, cursor listings and history.

use casefile_domain::Timestamp;
use chrono::SecondsFormat;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};

/// A reference to another object.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Reference {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub self_uri: String,
}

impl Reference {
    pub fn new(id: &str, name: Option<String>, base: &str) -> Self {
        Self {
            id: id.to_owned(),
            name,
            self_uri: format!("{base}/{id}"),
        }
    }
}

pub const USERS: &str = "/api/v2/users";
pub const DIVISIONS: &str = "/api/v2/authorization/divisions";

/// `2026-03-02T09:00:00.000Z`, as Genesys writes instants.
pub fn instant(at: Timestamp) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_instant(field: &str, value: &str) -> Result<Timestamp, casefile_domain::Invalid> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|d| d.with_timezone(&chrono::Utc))
        .map_err(|_| {
            casefile_domain::Invalid::new(
                field,
                format!(
                    "must be an ISO-8601 date-time like 2026-03-02T09:00:00.000Z, got {value:?}"
                ),
            )
        })
}

pub fn parse_optional_instant(
    field: &str,
    value: Option<Option<String>>,
) -> ApiResult<Option<Option<Timestamp>>> {
    match value {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(v)) => Ok(Some(Some(parse_instant(field, &v)?))),
    }
}

/// A cursor listing (`entities`, `after`, `nextUri`, …) as the task management API pages.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CursorListing<T> {
    pub entities: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_uri: Option<String>,
    pub self_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

/// Pages an in-memory list by an opaque offset cursor.
pub fn page_slice<T>(
    mut all: Vec<T>,
    after: Option<&str>,
    page_size: i64,
    self_uri: &str,
) -> ApiResult<CursorListing<T>> {
    let start: usize = match after {
        None | Some("") => 0,
        Some(a) => a
            .parse()
            .map_err(|_| ApiError::bad_request("after", "is not a cursor this server issued"))?,
    };
    let size = page_size as usize;
    let total = all.len();
    let rest: Vec<T> = if start < total {
        all.drain(start..).collect()
    } else {
        Vec::new()
    };
    let more = rest.len() > size;
    let entities: Vec<T> = rest.into_iter().take(size).collect();
    let after = more.then(|| (start + size).to_string());
    Ok(CursorListing {
        next_uri: after
            .as_ref()
            .map(|a| format!("{self_uri}?after={a}&pageSize={page_size}")),
        after,
        entities,
        self_uri: self_uri.to_owned(),
        count: None,
    })
}

/// Page size for cursor listings: 1 to 200, default 25.
pub fn cursor_page_size(value: Option<i64>) -> ApiResult<i64> {
    let size = value.unwrap_or(25);
    if !(1..=200).contains(&size) {
        return Err(ApiError::bad_request(
            "pageSize",
            format!("must be between 1 and 200, got {size}"),
        ));
    }
    Ok(size)
}

/// One attribute's change in a history entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttributeChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_value: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_value: Option<serde_json::Value>,
}

/// A history entry: the version a change produced, who made it, and what changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangeEntry {
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<Reference>,
    pub date_modified: String,
    #[schema(value_type = Object)]
    pub delta: serde_json::Map<String, serde_json::Value>,
}

/// The history of an entity from its events: each event's changed fields, renamed to the
/// wire names by `rename` (fields `rename` maps to `None` are left out).
pub fn history(
    events: Vec<crate::app::history::Event>,
    rename: impl Fn(&str) -> Option<String>,
) -> Vec<ChangeEntry> {
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let empty = serde_json::Map::new();
        let before = e
            .before
            .as_ref()
            .and_then(|b| b.as_object())
            .unwrap_or(&empty);
        let after = e
            .after
            .as_ref()
            .and_then(|a| a.as_object())
            .unwrap_or(&empty);
        let mut delta = serde_json::Map::new();
        let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for key in keys {
            let (old, new) = (before.get(key), after.get(key));
            if old == new {
                continue;
            }
            let Some(name) = rename(key) else { continue };
            let change = AttributeChange {
                old_value: old.filter(|v| !v.is_null()).cloned(),
                new_value: new.filter(|v| !v.is_null()).cloned(),
            };
            delta.insert(name, serde_json::to_value(change).unwrap_or_default());
        }
        out.push(ChangeEntry {
            version: e.version,
            modified_by: e
                .actor_id
                .as_deref()
                .map(|id| Reference::new(id, None, USERS)),
            date_modified: instant(e.at),
            delta,
        });
    }
    out
}

/// `snake_case` storage names to `camelCase` wire names.
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
