//! Query bodies (`filters`, `sort`, `after`, `select`), cursors, and version listings.

use crate::app::query::{
    FilterOp, FilterValue, WorkitemField, WorkitemFilter, WorkitemQuery, WorkitemSort,
};
use base64::Engine;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::api::common::{ChangeEntry, CursorListing, cursor_page_size, page_slice, parse_instant};
use crate::api::extract::QueryParams;
use crate::app::App;
use crate::app::task::documents::Stored;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WorkitemFilter)]
pub struct Filter {
    pub name: String,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    pub operator: String,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuerySort {
    pub name: String,
    #[serde(default)]
    pub ascending: Option<bool>,
}

/// The query body of workbins, worktypes and workitems.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = QueryPostRequest)]
pub struct ConfigQuery {
    #[serde(default)]
    #[schema(minimum = 1, maximum = 200)]
    pub page_size: Option<i64>,
    #[serde(default)]
    pub select: Option<String>,
    #[serde(default)]
    pub filters: Vec<Filter>,
    /// A projection hint; casefile always returns whole entities (a superset).
    #[serde(default)]
    #[allow(dead_code)]
    pub attributes: Option<Vec<String>>,
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub sort: Option<QuerySort>,
    /// References are always returned with their ids; nothing further to expand
    /// (a list, or one name as the worktype query sends it).
    #[serde(default)]
    #[allow(dead_code)]
    #[schema(value_type = Option<Value>)]
    pub expands: Option<serde_json::Value>,
}

pub const FILTERS_MAX: usize = 20;
pub const VALUES_MAX: usize = 100;

/// A filter's operator, named as the Genesys query bodies spell them.
pub fn operator(i: usize, name: &str) -> ApiResult<FilterOp> {
    Ok(match name {
        "EQ" => FilterOp::Eq,
        "NEQ" => FilterOp::Neq,
        "GT" => FilterOp::Gt,
        "LT" => FilterOp::Lt,
        "GTE" => FilterOp::Gte,
        "LTE" => FilterOp::Lte,
        "IN" => FilterOp::In,
        "CONTAINS" => FilterOp::Contains,
        "BETWEEN" => FilterOp::Between,
        "BEGINS_WITH" => FilterOp::BeginsWith,
        other => {
            return Err(ApiError::bad_request(
                format!("filters[{i}].operator"),
                format!(
                    "must be one of EQ, NEQ, GT, LT, GTE, LTE, IN, CONTAINS, BETWEEN, BEGINS_WITH; got {other:?}"
                ),
            ));
        }
    })
}

/// IN takes 1 to 100 values, BETWEEN two, every other operator one.
pub fn check_arity(i: usize, op: FilterOp, n: usize) -> ApiResult<()> {
    let ok = match op {
        FilterOp::In => (1..=VALUES_MAX).contains(&n),
        FilterOp::Between => n == 2,
        _ => n == 1,
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            format!("filters[{i}].values"),
            "has the wrong number of values for the operator",
        ))
    }
}

fn check_filters(filters: &[Filter]) -> ApiResult<()> {
    if filters.len() > FILTERS_MAX {
        return Err(ApiError::bad_request(
            "filters",
            format!("at most {FILTERS_MAX} filters"),
        ));
    }
    Ok(())
}

/// Runs a configuration-object query in memory (there are at most a few thousand).
pub fn run_config_query<T>(
    body: &ConfigQuery,
    all: Vec<T>,
    base: &str,
    sortable: &[&str],
    filterable: &[&str],
    field: impl Fn(&T, &str) -> Option<Value>,
) -> ApiResult<CursorListing<T>> {
    check_filters(&body.filters)?;
    for (i, f) in body.filters.iter().enumerate() {
        if !filterable.contains(&f.name.as_str()) {
            return Err(ApiError::bad_request(
                format!("filters[{i}].name"),
                format!(
                    "{:?} cannot be filtered on; use one of {}",
                    f.name,
                    filterable.join(", ")
                ),
            ));
        }
    }
    let size = cursor_page_size(body.page_size)?;
    let mut matching = Vec::new();
    let mut parsed = Vec::new();
    for (i, f) in body.filters.iter().enumerate() {
        let op = operator(i, &f.operator)?;
        check_arity(i, op, f.values.len())?;
        let int = f.kind.as_deref() == Some("Int");
        parsed.push((f.name.clone(), op, f.values.clone(), int));
    }
    for item in all {
        let keep = parsed
            .iter()
            .all(|(name, op, values, int)| matches(field(&item, name).as_ref(), *op, values, *int));
        if keep {
            matching.push(item);
        }
    }
    if let Some(sort) = &body.sort {
        if !sortable.contains(&sort.name.as_str()) {
            return Err(ApiError::bad_request(
                "sort.name",
                format!("must be one of {}", sortable.join(", ")),
            ));
        }
        let key = |t: &T| {
            field(t, &sort.name)
                .map(|v| v.as_str().map(str::to_lowercase).unwrap_or_default())
                .unwrap_or_default()
        };
        matching.sort_by_key(key);
        if sort.ascending == Some(false) {
            matching.reverse();
        }
    }
    if body.select.as_deref() == Some("Count") {
        return Ok(CursorListing {
            entities: Vec::new(),
            after: None,
            next_uri: None,
            self_uri: format!("{base}/query"),
            count: Some(matching.len() as i64),
        });
    }
    if let Some(select) = &body.select {
        return Err(ApiError::bad_request(
            "select",
            format!("must be Count, got {select:?}"),
        ));
    }
    page_slice(
        matching,
        body.after.as_deref(),
        size,
        &format!("{base}/query"),
    )
}

fn matches(value: Option<&Value>, op: FilterOp, values: &[String], int: bool) -> bool {
    let text = match value {
        None | Some(Value::Null) => return op == FilterOp::Neq,
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let cmp = |v: &str| -> std::cmp::Ordering {
        if int && let (Ok(a), Ok(b)) = (text.parse::<f64>(), v.parse::<f64>()) {
            return a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal);
        }
        text.to_lowercase().cmp(&v.to_lowercase())
    };
    let first = values.first().map(String::as_str).unwrap_or("");
    use std::cmp::Ordering::*;
    match op {
        FilterOp::Eq => cmp(first) == Equal,
        FilterOp::Neq => cmp(first) != Equal,
        FilterOp::Gt => cmp(first) == Greater,
        FilterOp::Lt => cmp(first) == Less,
        FilterOp::Gte => cmp(first) != Less,
        FilterOp::Lte => cmp(first) != Greater,
        FilterOp::In => values.iter().any(|v| cmp(v) == Equal),
        FilterOp::Contains => text.to_lowercase().contains(&first.to_lowercase()),
        FilterOp::BeginsWith => text.to_lowercase().starts_with(&first.to_lowercase()),
        FilterOp::Between => cmp(first) != Less && values.get(1).is_some_and(|v| cmp(v) != Greater),
    }
}

pub fn map_listing<T, U>(listing: CursorListing<T>, f: impl Fn(&T) -> U) -> CursorListing<U> {
    CursorListing {
        entities: listing.entities.iter().map(f).collect(),
        after: listing.after,
        next_uri: listing.next_uri,
        self_uri: listing.self_uri,
        count: listing.count,
    }
}

/// Whether `sortOrder` asks for descending order (absent: ascending).
pub fn sort_descending(q: &QueryParams) -> ApiResult<bool> {
    match q.str("sortOrder") {
        None | Some("ascending") | Some("asc") => Ok(false),
        Some("descending") | Some("desc") => Ok(true),
        Some(other) => Err(ApiError::bad_request(
            "sortOrder",
            format!("must be ascending or descending, got {other:?}"),
        )),
    }
}

pub fn history_page(
    mut entries: Vec<ChangeEntry>,
    q: &QueryParams,
    self_uri: &str,
) -> ApiResult<CursorListing<ChangeEntry>> {
    if sort_descending(q)? {
        entries.reverse();
    }
    let size = q.cursor_page_size()?;
    page_slice(entries, q.str("after"), size, self_uri)
}

pub fn versions_page<T>(
    mut versions: Vec<T>,
    q: &QueryParams,
    self_uri: &str,
) -> ApiResult<CursorListing<T>> {
    if sort_descending(q)? {
        versions.reverse();
    }
    let size = q.cursor_page_size()?;
    page_slice(versions, q.str("after"), size, self_uri)
}

/// Every version an entity had, from its events' after-snapshots.
pub async fn versions<T: Stored>(app: &App, entity_type: &str, id: &str) -> ApiResult<Vec<T>> {
    Ok(crate::app::history::versions(app, entity_type, id).await?)
}

pub async fn version<T: Stored>(
    app: &App,
    entity_type: &str,
    id: &str,
    version: i64,
) -> ApiResult<T> {
    Ok(crate::app::history::version(app, entity_type, id, version).await?)
}

// ---- workitems ----

fn workitem_field(i: usize, name: &str) -> ApiResult<WorkitemField> {
    Ok(match name {
        "id" => WorkitemField::Id,
        "name" => WorkitemField::Name,
        "workbinId" => WorkitemField::WorkbinId,
        "typeId" => WorkitemField::TypeId,
        "statusId" => WorkitemField::StatusId,
        "statusCategory" => WorkitemField::StatusCategory,
        "assigneeId" => WorkitemField::AssigneeId,
        "queueId" => WorkitemField::QueueId,
        "externalContactId" => WorkitemField::ExternalContactId,
        "caseId" => WorkitemField::CaseId,
        "divisionId" => WorkitemField::DivisionId,
        "priority" => WorkitemField::Priority,
        "dateCreated" => WorkitemField::DateCreated,
        "dateModified" => WorkitemField::DateModified,
        "dateDue" => WorkitemField::DateDue,
        "dateClosed" => WorkitemField::DateClosed,
        "description" => WorkitemField::Stored("description".to_owned()),
        "languageId" => WorkitemField::Stored("language_id".to_owned()),
        "durationInSeconds" | "durationSeconds" => {
            WorkitemField::Stored("duration_seconds".to_owned())
        }
        "ttl" => WorkitemField::Stored("ttl".to_owned()),
        "reporterId" => WorkitemField::Stored("reporter_id".to_owned()),
        "externalTag" => WorkitemField::Stored("external_tag".to_owned()),
        "modifiedBy" => WorkitemField::Stored("modified_by".to_owned()),
        "assignmentState" => WorkitemField::Stored("assignment_state".to_owned()),
        other => match other.strip_prefix("customFields.") {
            Some(custom)
                if !custom.is_empty()
                    && custom
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') =>
            {
                WorkitemField::Custom(custom.to_owned())
            }
            _ => {
                return Err(ApiError::bad_request(
                    format!("filters[{i}].name"),
                    format!("{other:?} is not a workitem attribute that can be filtered on"),
                ));
            }
        },
    })
}

/// What kind of value a filterable workitem field holds, which decides the filter types and
/// operators that make sense on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueKind {
    Text,
    Number,
    /// A date or date-time column, filtered with ISO-8601 instants.
    Instant,
    /// A custom `_date`/`_datetime` attribute: ISO-8601 text, compared as text.
    DateText,
    Checkbox,
}

fn value_kind(i: usize, field: &WorkitemField) -> ApiResult<ValueKind> {
    use casefile_domain::schema::CoreType;
    Ok(match field {
        WorkitemField::Priority => ValueKind::Number,
        WorkitemField::DateCreated
        | WorkitemField::DateModified
        | WorkitemField::DateDue
        | WorkitemField::DateClosed => ValueKind::Instant,
        WorkitemField::Stored(name) if name == "duration_seconds" || name == "ttl" => {
            ValueKind::Number
        }
        WorkitemField::Custom(name) => {
            let core = name.rsplit_once('_').and_then(|(_, t)| CoreType::parse(t));
            match core {
                Some(CoreType::Integer | CoreType::Number) => ValueKind::Number,
                Some(CoreType::Date | CoreType::Datetime) => ValueKind::DateText,
                Some(CoreType::Checkbox) => ValueKind::Checkbox,
                Some(_) => ValueKind::Text,
                None => {
                    return Err(ApiError::bad_request(
                        format!("filters[{i}].name"),
                        format!(
                            "customFields.{name} is not a custom attribute name: its name ends \
                             with its core type (e.g. customFields.amount_number)"
                        ),
                    ));
                }
            }
        }
        _ => ValueKind::Text,
    })
}

/// Refuses a filter `type` or operator that does not fit the field, naming which.
fn check_fit(
    i: usize,
    name: &str,
    kind: ValueKind,
    ty: Option<&str>,
    op: FilterOp,
) -> ApiResult<()> {
    let fits = match (kind, ty) {
        (_, None) => true,
        (ValueKind::Number, Some(t)) => t == "Int",
        (ValueKind::Checkbox, Some(t)) => t == "Boolean" || t == "String",
        (_, Some(t)) => t == "String",
    };
    if !fits {
        let expected = match kind {
            ValueKind::Number => "Int",
            ValueKind::Checkbox => "Boolean",
            _ => "String",
        };
        return Err(ApiError::bad_request(
            format!("filters[{i}].type"),
            format!(
                "{name} holds {} values: the type must be {expected}",
                kind_name(kind)
            ),
        ));
    }
    let op_fits = match kind {
        ValueKind::Text | ValueKind::DateText => true,
        ValueKind::Number | ValueKind::Instant => {
            !matches!(op, FilterOp::Contains | FilterOp::BeginsWith)
        }
        ValueKind::Checkbox => matches!(op, FilterOp::Eq | FilterOp::Neq),
    };
    if !op_fits {
        return Err(ApiError::bad_request(
            format!("filters[{i}].operator"),
            format!(
                "{name} holds {} values, which this operator cannot compare",
                kind_name(kind)
            ),
        ));
    }
    Ok(())
}

fn kind_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Text => "text",
        ValueKind::Number => "number",
        ValueKind::Instant | ValueKind::DateText => "date",
        ValueKind::Checkbox => "true/false",
    }
}

fn workitem_value(i: usize, kind: ValueKind, raw: &str) -> ApiResult<FilterValue> {
    let at = format!("filters[{i}].values");
    match kind {
        ValueKind::Instant => Ok(FilterValue::Int(
            parse_instant(&at, raw)?.timestamp_millis(),
        )),
        ValueKind::Number => {
            if let Ok(n) = raw.parse::<i64>() {
                return Ok(FilterValue::Int(n));
            }
            raw.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(FilterValue::Number)
                .ok_or_else(|| ApiError::bad_request(at, format!("{raw:?} is not a number")))
        }
        ValueKind::Checkbox => match raw {
            "true" => Ok(FilterValue::Bool(true)),
            "false" => Ok(FilterValue::Bool(false)),
            _ => Err(ApiError::bad_request(
                at,
                format!("{raw:?} is not true or false"),
            )),
        },
        ValueKind::Text | ValueKind::DateText => Ok(FilterValue::Text(raw.to_owned())),
    }
}

/// Parses a workitem query body into the store's query (divisions are set by the use case).
pub fn workitem_query(body: &ConfigQuery) -> ApiResult<(WorkitemQuery, bool)> {
    check_filters(&body.filters)?;
    let mut filters = Vec::with_capacity(body.filters.len());
    for (i, f) in body.filters.iter().enumerate() {
        if let Some(kind) = &f.kind
            && !matches!(kind.as_str(), "String" | "Int" | "Boolean")
        {
            return Err(ApiError::bad_request(
                format!("filters[{i}].type"),
                "must be String, Int or Boolean",
            ));
        }
        let field = workitem_field(i, &f.name)?;
        let op = operator(i, &f.operator)?;
        check_arity(i, op, f.values.len())?;
        let kind = value_kind(i, &field)?;
        check_fit(i, &f.name, kind, f.kind.as_deref(), op)?;
        if field == WorkitemField::StatusCategory {
            for v in &f.values {
                casefile_domain::task::status::Category::parse(&format!("filters[{i}].values"), v)?;
            }
        }
        let values = f
            .values
            .iter()
            .map(|v| workitem_value(i, kind, v))
            .collect::<ApiResult<Vec<_>>>()?;
        filters.push(WorkitemFilter { field, op, values });
    }
    let (sort, ascending) = match &body.sort {
        None => (WorkitemSort::DateCreated, true),
        Some(s) => {
            let sort = match s.name.as_str() {
                "dateDue" => WorkitemSort::DateDue,
                "priority" => WorkitemSort::Priority,
                "dateCreated" => WorkitemSort::DateCreated,
                other => {
                    return Err(ApiError::bad_request(
                        "sort.name",
                        format!("must be dateDue, priority or dateCreated, got {other:?}"),
                    ));
                }
            };
            (sort, s.ascending.unwrap_or(true))
        }
    };
    let count_only = match body.select.as_deref() {
        None => false,
        Some("Count") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "select",
                format!("must be Count, got {other:?}"),
            ));
        }
    };
    let after = match body.after.as_deref() {
        None | Some("") => None,
        Some(cursor) => Some(decode_cursor(cursor)?),
    };
    let limit = cursor_page_size(body.page_size)?;
    Ok((
        WorkitemQuery {
            visible: casefile_domain::authz::Divisions::Only(Vec::new()),
            filters,
            sort,
            ascending,
            after,
            limit,
        },
        count_only,
    ))
}

pub fn encode_cursor(value: i64, id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{value}|{id}"))
}

fn decode_cursor(cursor: &str) -> ApiResult<(i64, String)> {
    let bad = || ApiError::bad_request("after", "is not a cursor this server issued");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (value, id) = text.split_once('|').ok_or_else(bad)?;
    Ok((value.parse().map_err(|_| bad())?, id.to_owned()))
}
