//! Workitem rows: typed columns for what queries filter and sort on, the whole workitem as
//! JSON in `data`.

use super::tx::{self, Query};
use casefile_domain::Timestamp;
use casefile_domain::task::workitem::Workitem;
use sqlx::{AnyPool, Row};

use super::backend::Backend;
use super::fragments::division_condition;
use super::guarded::Guarded;
use super::reader::Reads;
use super::rows::millis;
use crate::{
    Error, FilterOp, FilterValue, NO_DUE_DATE, Result, WorkitemField, WorkitemFilter,
    WorkitemQuery, WorkitemSort,
};

pub fn due_sort(w: &Workitem) -> i64 {
    w.date_due.map(millis).unwrap_or(NO_DUE_DATE)
}

fn parse(data: &str) -> Result<Workitem> {
    Ok(serde_json::from_str(data)?)
}

pub async fn get(reads: &Reads, id: &str) -> Result<Workitem> {
    let q = tx::query("SELECT data FROM workitems WHERE id = $1").bind(id);
    match reads.optional::<String>(&q).await? {
        Some(data) => parse(&data),
        None => Err(Error::NotFound),
    }
}

/// The `INSERT` of a workitem, built (and the workitem serialised) before the unit runs.
pub fn insert(w: &Workitem) -> Result<Query<'static>> {
    Ok(tx::query(
        "INSERT INTO workitems (id, division_id, type_id, workbin_id, status_id, status_category, name, priority,
             date_created, date_modified, due_sort, date_closed, assignee_id, queue_id, external_contact_id, case_id,
             auto_transition_at, terminated, version, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
    )
    .bind(&w.id)
    .bind(&w.division_id)
    .bind(&w.type_id)
    .bind(&w.workbin_id)
    .bind(&w.status_id)
    .bind(w.status_category.as_str())
    .bind(&w.name)
    .bind(w.priority)
    .bind(millis(w.date_created))
    .bind(millis(w.date_modified))
    .bind(due_sort(w))
    .bind(w.date_closed.map(millis))
    .bind(&w.assignee_id)
    .bind(&w.queue_id)
    .bind(&w.external_contact_id)
    .bind(&w.case_id)
    .bind(w.auto_transition_at.map(millis))
    .bind(i64::from(w.terminated))
    .bind(w.version)
    .bind(serde_json::to_string(w)?))
}

/// The conditional `UPDATE` of a workitem still at `expected_version`.
pub fn update(w: &Workitem, expected_version: i64) -> Result<Guarded> {
    let q = tx::query(
        "UPDATE workitems SET division_id = $1, type_id = $2, workbin_id = $3, status_id = $4, status_category = $5,
             name = $6, priority = $7, date_modified = $8, due_sort = $9, date_closed = $10, assignee_id = $11,
             queue_id = $12, external_contact_id = $13, case_id = $14, auto_transition_at = $15, terminated = $16,
             version = $17, data = $18
         WHERE id = $19 AND version = $20",
    )
    .bind(&w.division_id)
    .bind(&w.type_id)
    .bind(&w.workbin_id)
    .bind(&w.status_id)
    .bind(w.status_category.as_str())
    .bind(&w.name)
    .bind(w.priority)
    .bind(millis(w.date_modified))
    .bind(due_sort(w))
    .bind(w.date_closed.map(millis))
    .bind(&w.assignee_id)
    .bind(&w.queue_id)
    .bind(&w.external_contact_id)
    .bind(&w.case_id)
    .bind(w.auto_transition_at.map(millis))
    .bind(i64::from(w.terminated))
    .bind(w.version)
    .bind(serde_json::to_string(w)?)
    .bind(&w.id)
    .bind(expected_version);
    Ok(Guarded::new(q, "workitems", &w.id, expected_version))
}

/// Deletes the workitem if it still is at `expected_version`.
pub fn delete_guarded(id: &str, expected_version: i64) -> Guarded {
    let q = tx::query("DELETE FROM workitems WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(expected_version);
    Guarded::new(q, "workitems", id, expected_version)
}

/// Workitems whose automatic status transition is due, oldest first.
pub async fn due_transitions(pool: &AnyPool, now: Timestamp, limit: i64) -> Result<Vec<Workitem>> {
    let rows = sqlx::query(
        "SELECT data FROM workitems WHERE auto_transition_at IS NOT NULL AND auto_transition_at <= $1
         ORDER BY auto_transition_at LIMIT $2",
    )
    .bind(millis(now))
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| parse(&r.try_get::<String, _>("data")?))
        .collect()
}

/// Does an equality on a workitem's id or case bound the query, through an index, to a few rows
/// (a case holds one workitem per stage, plus any an integration linked to it), so that it is
/// cheap wherever it runs?
pub fn is_key_lookup(q: &WorkitemQuery) -> bool {
    q.filters.iter().any(|f| {
        matches!(f.field, WorkitemField::Id | WorkitemField::CaseId)
            && matches!(f.op, FilterOp::Eq)
            && f.values.len() == 1
    })
}

/// The next `limit` workitems of the query, in its order.
pub async fn query(reads: &Reads, backend: Backend, q: &WorkitemQuery) -> Result<Vec<Workitem>> {
    let Some(mut sql) = Where::build(backend, q, true) else {
        return Ok(Vec::new());
    };
    let sort = sort_column(q.sort);
    let dir = if q.ascending { "ASC" } else { "DESC" };
    sql.params.push(FilterValue::Int(q.limit));
    let text = format!(
        "SELECT data FROM workitems WHERE {} ORDER BY {sort} {dir}, id {dir} LIMIT ${}",
        sql.condition,
        sql.params.len()
    );
    let mut query = tx::query(&text);
    for p in sql.params {
        query = query.bind(p);
    }
    reads
        .all::<String>(&query)
        .await?
        .iter()
        .map(|data| parse(data))
        .collect()
}

pub async fn count(pool: &AnyPool, backend: Backend, q: &WorkitemQuery) -> Result<i64> {
    let Some(sql) = Where::build(backend, q, false) else {
        return Ok(0);
    };
    let text = format!("SELECT COUNT(*) FROM workitems WHERE {}", sql.condition);
    let mut query = sqlx::query_scalar::<_, i64>(&text);
    for p in &sql.params {
        query = match p {
            FilterValue::Text(s) => query.bind(s.clone()),
            FilterValue::Int(i) => query.bind(*i),
            FilterValue::Number(n) => query.bind(*n),
            FilterValue::Bool(b) => query.bind(i64::from(*b)),
        };
    }
    Ok(query.fetch_one(pool).await?)
}

pub fn sort_column(sort: WorkitemSort) -> &'static str {
    match sort {
        WorkitemSort::DateDue => "due_sort",
        WorkitemSort::Priority => "priority",
        WorkitemSort::DateCreated => "date_created",
    }
}

pub(super) fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    params: &'q [FilterValue],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for p in params {
        query = match p {
            FilterValue::Text(s) => query.bind(s.as_str()),
            FilterValue::Int(i) => query.bind(*i),
            FilterValue::Number(n) => query.bind(*n),
            FilterValue::Bool(b) => query.bind(i64::from(*b)),
        };
    }
    query
}

/// A WHERE clause and its parameters.
pub(super) struct Where {
    pub(super) condition: String,
    pub(super) params: Vec<FilterValue>,
}

impl Where {
    fn build(backend: Backend, q: &WorkitemQuery, with_cursor: bool) -> Option<Where> {
        let (visible, ids) = division_condition("division_id", &q.visible, 1)?;
        let mut w = Where {
            condition: visible,
            params: ids.into_iter().map(FilterValue::Text).collect(),
        };
        for filter in &q.filters {
            let expr = w.expression(backend, filter);
            w.condition.push_str(" AND ");
            w.condition.push_str(&expr);
        }
        if with_cursor && let Some((value, id)) = &q.after {
            let sort = sort_column(q.sort);
            let cmp = if q.ascending { ">" } else { "<" };
            let v = w.param(FilterValue::Int(*value));
            let i = w.param(FilterValue::Text(id.clone()));
            w.condition.push_str(&format!(
                " AND ({sort} {cmp} {v} OR ({sort} = {v} AND id {cmp} {i}))"
            ));
        }
        Some(w)
    }

    pub(super) fn param(&mut self, value: FilterValue) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
    }

    /// One filter as SQL that is valid for every combination of field, operator and value
    /// kind, on both backends, with the same matches: a value is compared as the column's
    /// type where it is one (a number with a number column), and as text otherwise, so that a
    /// mistyped filter matches nothing instead of failing in the database.
    fn expression(&mut self, backend: Backend, f: &WorkitemFilter) -> String {
        let pattern = matches!(f.op, FilterOp::Contains | FilterOp::BeginsWith);
        let all_numeric = f
            .values
            .iter()
            .all(|v| matches!(v, FilterValue::Int(_) | FilterValue::Number(_)));
        match storage(&f.field) {
            Storage::Integer => {
                let numeric = all_numeric && !pattern;
                let column = column_sql(backend, &f.field, false);
                let fractional = f.values.iter().any(|v| matches!(v, FilterValue::Number(_)));
                if numeric && fractional {
                    // Its own SQL text: PostgreSQL types a prepared statement's parameters
                    // once, so `priority > $1` prepared for an integer would read a float's
                    // bytes as one (and the reverse) when the cached statement is reused.
                    let values = f
                        .values
                        .iter()
                        .map(|v| match v {
                            FilterValue::Int(i) => FilterValue::Number(*i as f64),
                            other => other.clone(),
                        })
                        .collect();
                    self.compare(&format!("CAST({column} AS DOUBLE PRECISION)"), f.op, values)
                } else if numeric {
                    self.compare(&column, f.op, f.values.clone())
                } else {
                    let values = f.values.iter().map(as_text).collect();
                    self.compare(&format!("CAST({column} AS TEXT)"), f.op, values)
                }
            }
            Storage::Text => {
                let column = column_sql(backend, &f.field, false);
                let values = f.values.iter().map(as_text).collect();
                self.compare(&column, f.op, values)
            }
            Storage::Json => {
                let numeric = all_numeric && !pattern;
                let column = column_sql(backend, &f.field, numeric);
                let values: Vec<FilterValue> = f
                    .values
                    .iter()
                    .map(|v| match (v, backend) {
                        // JSON booleans read back as 1/0 from SQLite's json_extract.
                        (FilterValue::Bool(b), Backend::Sqlite) => FilterValue::Int(i64::from(*b)),
                        (FilterValue::Int(i), _) if numeric => FilterValue::Number(*i as f64),
                        // PostgreSQL's ->> is text: compare text with text.
                        (other, Backend::Postgres) if !numeric => as_text(other),
                        (other, _) => other.clone(),
                    })
                    .collect();
                self.compare(&column, f.op, values)
            }
        }
    }

    /// `column op values` with the values bound as parameters.
    pub(super) fn compare(
        &mut self,
        column: &str,
        op: FilterOp,
        values: Vec<FilterValue>,
    ) -> String {
        let first = values
            .first()
            .cloned()
            .unwrap_or(FilterValue::Text(String::new()));
        match op {
            FilterOp::Eq => format!("{column} = {}", self.param(first)),
            FilterOp::Neq => format!("({column} IS NULL OR {column} <> {})", self.param(first)),
            FilterOp::Gt => format!("{column} > {}", self.param(first)),
            FilterOp::Lt => format!("{column} < {}", self.param(first)),
            FilterOp::Gte => format!("{column} >= {}", self.param(first)),
            FilterOp::Lte => format!("{column} <= {}", self.param(first)),
            FilterOp::Between => {
                let low = self.param(first);
                let high = self.param(
                    values
                        .get(1)
                        .cloned()
                        .unwrap_or(FilterValue::Text(String::new())),
                );
                format!("{column} >= {low} AND {column} <= {high}")
            }
            FilterOp::In => {
                let list: Vec<String> = values.into_iter().map(|v| self.param(v)).collect();
                format!("{column} IN ({})", list.join(", "))
            }
            FilterOp::Contains => {
                let p = self.param(like_pattern(&first, true));
                format!("{column} LIKE {p} ESCAPE '\\'")
            }
            FilterOp::BeginsWith => {
                let p = self.param(like_pattern(&first, false));
                format!("{column} LIKE {p} ESCAPE '\\'")
            }
        }
    }
}

/// How a field is stored: a number column, a text column, or a path into the JSON document.
enum Storage {
    Integer,
    Text,
    Json,
}

fn storage(field: &WorkitemField) -> Storage {
    match field {
        WorkitemField::Priority
        | WorkitemField::DateCreated
        | WorkitemField::DateModified
        | WorkitemField::DateDue
        | WorkitemField::DateClosed => Storage::Integer,
        WorkitemField::Stored(_) | WorkitemField::Custom(_) => Storage::Json,
        _ => Storage::Text,
    }
}

/// A value as text, for a comparison with a text column (`5` → `'5'`, `true` → `'true'`).
fn as_text(value: &FilterValue) -> FilterValue {
    match value {
        FilterValue::Text(s) => FilterValue::Text(s.clone()),
        FilterValue::Int(i) => FilterValue::Text(i.to_string()),
        FilterValue::Number(n) => FilterValue::Text(n.to_string()),
        FilterValue::Bool(b) => FilterValue::Text(b.to_string()),
    }
}

fn like_pattern(value: &FilterValue, anywhere: bool) -> FilterValue {
    let text = match value {
        FilterValue::Text(s) => s.clone(),
        FilterValue::Int(i) => i.to_string(),
        FilterValue::Number(n) => n.to_string(),
        FilterValue::Bool(b) => b.to_string(),
    };
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    FilterValue::Text(if anywhere {
        format!("%{escaped}%")
    } else {
        format!("{escaped}%")
    })
}

/// The SQL for a field: a column, or a path into the JSON document.
fn column_sql(backend: Backend, field: &WorkitemField, numeric: bool) -> String {
    let column = match field {
        WorkitemField::Id => "id",
        WorkitemField::Name => "name",
        WorkitemField::WorkbinId => "workbin_id",
        WorkitemField::TypeId => "type_id",
        WorkitemField::StatusId => "status_id",
        WorkitemField::StatusCategory => "status_category",
        WorkitemField::AssigneeId => "assignee_id",
        WorkitemField::QueueId => "queue_id",
        WorkitemField::ExternalContactId => "external_contact_id",
        WorkitemField::CaseId => "case_id",
        WorkitemField::DivisionId => "division_id",
        WorkitemField::Priority => "priority",
        WorkitemField::DateCreated => "date_created",
        WorkitemField::DateModified => "date_modified",
        WorkitemField::DateDue => "due_sort",
        WorkitemField::DateClosed => "date_closed",
        WorkitemField::Stored(name) => return json_path(backend, &[name.as_str()], numeric),
        WorkitemField::Custom(name) => {
            return json_path(backend, &["custom_fields", name], numeric);
        }
    };
    column.to_owned()
}

/// Only called with names checked to be `[a-z0-9_]+`, so embedding them is safe.
fn json_path(backend: Backend, path: &[&str], numeric: bool) -> String {
    let safe = path
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    if !safe {
        return "NULL".to_owned();
    }
    match backend {
        Backend::Sqlite => {
            let at = path.join(".");
            let expr = format!("json_extract(data, '$.{at}')");
            if numeric {
                // Only JSON numbers compare as numbers (text that looks like one does not).
                format!(
                    "(CASE WHEN json_type(data, '$.{at}') IN ('integer', 'real') THEN {expr} END)"
                )
            } else {
                expr
            }
        }
        Backend::Postgres => {
            let (last, init) = path.split_last().map(|(l, i)| (*l, i)).unwrap_or(("", &[]));
            let mut expr = "(data::jsonb".to_owned();
            for p in init {
                expr.push_str(&format!(" -> '{p}'"));
            }
            expr.push_str(&format!(" ->> '{last}')"));
            if numeric {
                // A cast of text that is not a number would fail the whole query.
                format!(
                    "(CASE WHEN jsonb_typeof(data::jsonb #> '{{{}}}') = 'number' THEN ({expr})::double precision END)",
                    path.join(",")
                )
            } else {
                expr
            }
        }
    }
}
