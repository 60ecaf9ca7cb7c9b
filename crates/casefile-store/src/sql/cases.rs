//! Case rows and gap-free reference numbers.

use super::tx::{self, Query, Tx};
use casefile_domain::case::engine::Case;
use casefile_domain::case::reference;
use sqlx::{AnyPool, Row};

use super::combine;
use super::guarded::Guarded;
use super::reader::Reads;
use super::rows::millis;
use crate::{CaseInsert, Result};

fn parse(data: &str) -> Result<Case> {
    Ok(serde_json::from_str(data)?)
}

/// Takes the next number of the caseplan's sequence (1, 2, …) in the caller's transaction.
pub async fn next_number(conn: &mut Tx, caseplan_id: &str) -> Result<i64> {
    let n: i64 = tx::query(
        "INSERT INTO case_counters (caseplan_id, next_number) VALUES ($1, 2)
         ON CONFLICT (caseplan_id) DO UPDATE SET next_number = case_counters.next_number + 1
         RETURNING next_number - 1",
    )
    .bind(caseplan_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

/// The `INSERT` of a case (its reference already numbered).
pub fn insert(c: &Case) -> Result<Query<'static>> {
    let q = tx::query(
        "INSERT INTO cases (id, division_id, caseplan_id, caseplan_version, reference_key, status, owner_id, priority,
             external_contact_id, customer_intent_id, date_due, date_created, date_modified, date_closed, version, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    );
    Ok(bind_columns(
        q,
        c,
        reference::key(&c.reference),
        serde_json::to_string(c)?,
    ))
}

/// The case's sixteen columns in `insert`'s order, with `fifth` in place of the reference key.
fn bind_columns<'q>(q: Query<'q>, c: &Case, fifth: String, data: String) -> Query<'q> {
    q.bind(&c.id)
        .bind(&c.division_id)
        .bind(&c.caseplan_id)
        .bind(c.caseplan_version)
        .bind(fifth)
        .bind(c.status.as_str())
        .bind(&c.owner_id)
        .bind(c.priority.as_str())
        .bind(&c.external_contact_id)
        .bind(&c.customer_intent_id)
        .bind(c.date_due.map(millis))
        .bind(millis(c.date_created))
        .bind(millis(c.date_modified))
        .bind(c.date_closed.map(millis))
        .bind(c.version)
        .bind(data)
}

/// Where a case's JSON holds its reference while it is still unnumbered: `reference` is the
/// struct's second field, after the id, so this is its first occurrence (user data follows).
const UNNUMBERED: &str = r#""reference":"""#;

/// PostgreSQL: writable CTEs that number a new case, insert it and insert its creation event,
/// to end a unit's one statement ([`combine::run_combined_with`]); the statement returns the
/// number. The caseplan's counter row is locked only for that one statement, and a unit that
/// fails takes no number. `None` if the case's JSON does not have the expected shape.
pub fn numbered_insert(insert: &CaseInsert) -> Result<Option<combine::Tail>> {
    // The same prefix, validated and normalised, as the reference the caller is answered with.
    let prefix = reference::Prefix::parse("referencePrefix", &insert.prefix)
        .map_err(|e| crate::Error::Corrupt(e.to_string()))?;
    let mut c = insert.case.clone();
    c.reference = String::new();
    let data = serde_json::to_string(&c)?;
    if !data.contains(UNNUMBERED) {
        return Ok(None);
    }
    let sql = format!(
        "case_number AS (
             INSERT INTO case_counters (caseplan_id, next_number) VALUES ($3, 2)
             ON CONFLICT (caseplan_id) DO UPDATE SET next_number = case_counters.next_number + 1
             RETURNING next_number - 1 AS number),
         case_reference AS (
             SELECT $5 || '-' || lpad(number::text, greatest({digits}, length(number::text)), '0') AS reference
             FROM case_number),
         new_case AS (
             INSERT INTO cases (id, division_id, caseplan_id, caseplan_version, reference_key, status, owner_id,
                 priority, external_contact_id, customer_intent_id, date_due, date_created, date_modified,
                 date_closed, version, data)
             SELECT $1, $2, $3, $4, upper(reference), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                 overlay($16 PLACING '\"reference\":' || to_json(reference)::text
                     FROM strpos($16, $17) FOR length($17))
             FROM case_reference
             RETURNING id, data),
         new_case_event AS (
             INSERT INTO events (entity_type, entity_id, version, kind, actor_id, at, before, after)
             SELECT $18, id, $19, $20, $21, $22, NULL, data FROM new_case)",
        digits = reference::DIGITS
    );
    let e = &insert.event;
    let ctes = bind_columns(tx::query_owned(sql), &c, prefix.as_str().to_owned(), data)
        .bind(UNNUMBERED)
        .bind(e.entity_type)
        .bind(e.version)
        .bind(e.kind)
        .bind(&e.actor_id)
        .bind(millis(e.at));
    Ok(Some(combine::Tail {
        ctes,
        result: "SELECT number FROM case_number",
    }))
}

/// The conditional `UPDATE` of a case still at `expected_version`.
pub fn update(c: &Case, expected_version: i64) -> Result<Guarded> {
    let q = tx::query(
        "UPDATE cases SET status = $1, owner_id = $2, priority = $3, external_contact_id = $4, date_due = $5,
             date_modified = $6, date_closed = $7, version = $8, data = $9
         WHERE id = $10 AND version = $11",
    )
    .bind(c.status.as_str())
    .bind(&c.owner_id)
    .bind(c.priority.as_str())
    .bind(&c.external_contact_id)
    .bind(c.date_due.map(millis))
    .bind(millis(c.date_modified))
    .bind(c.date_closed.map(millis))
    .bind(c.version)
    .bind(serde_json::to_string(c)?)
    .bind(&c.id)
    .bind(expected_version);
    Ok(Guarded::new(q, "cases", &c.id, expected_version))
}

pub async fn get(reads: &Reads, id: &str) -> Result<Case> {
    let q = tx::query("SELECT data FROM cases WHERE id = $1").bind(id);
    match reads.optional::<String>(&q).await? {
        Some(data) => parse(&data),
        None => Err(crate::Error::NotFound),
    }
}

pub async fn get_by_reference(pool: &AnyPool, reference_text: &str) -> Result<Case> {
    let data: String = sqlx::query_scalar("SELECT data FROM cases WHERE reference_key = $1")
        .bind(reference::key(reference_text))
        .fetch_one(pool)
        .await?;
    parse(&data)
}

pub async fn by_contact(pool: &AnyPool, contact_id: &str, limit: i64) -> Result<Vec<Case>> {
    let rows = sqlx::query("SELECT data FROM cases WHERE external_contact_id = $1 ORDER BY date_created DESC, id LIMIT $2")
        .bind(contact_id)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| parse(&r.try_get::<String, _>("data")?))
        .collect()
}

pub async fn exists_for_caseplan(pool: &AnyPool, caseplan_id: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE caseplan_id = $1")
        .bind(caseplan_id)
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

fn case_column(c: crate::CaseColumn) -> &'static str {
    use crate::CaseColumn::*;
    match c {
        CaseplanId => "caseplan_id",
        OwnerId => "owner_id",
        Status => "status",
        Priority => "priority",
        DateDue => "date_due",
        ExternalContactId => "external_contact_id",
        CustomerIntentId => "customer_intent_id",
        DateCreated => "date_created",
        DivisionId => "division_id",
        Reference => "reference_key",
    }
}

fn build(q: &crate::CaseQuery) -> Option<super::workitems::Where> {
    let mut w = match &q.visible {
        casefile_domain::authz::Divisions::All => super::workitems::Where {
            condition: "1 = 1".to_owned(),
            params: Vec::new(),
        },
        casefile_domain::authz::Divisions::Only(ids) if ids.is_empty() => return None,
        casefile_domain::authz::Divisions::Only(ids) => {
            let list = super::fragments::placeholders(1, ids.len());
            super::workitems::Where {
                condition: format!("(division_id IS NULL OR division_id IN ({list}))"),
                params: ids.iter().cloned().map(crate::FilterValue::Text).collect(),
            }
        }
    };
    for f in &q.filters {
        let values = if f.column == crate::CaseColumn::Reference {
            f.values
                .iter()
                .map(|v| match v {
                    crate::FilterValue::Text(t) => crate::FilterValue::Text(reference::key(t)),
                    other => other.clone(),
                })
                .collect()
        } else {
            f.values.clone()
        };
        let expr = w.compare(case_column(f.column), f.op, values);
        w.condition.push_str(" AND ");
        w.condition.push_str(&expr);
    }
    Some(w)
}

pub async fn query(pool: &AnyPool, q: &crate::CaseQuery) -> Result<Vec<Case>> {
    let Some(mut w) = build(q) else {
        return Ok(Vec::new());
    };
    let sort = match q.sort {
        crate::CaseSort::DateCreated => "date_created",
        crate::CaseSort::DateModified => "date_modified",
        crate::CaseSort::DateDue => "date_due",
        crate::CaseSort::Priority => {
            "CASE priority WHEN 'Urgent' THEN 3 WHEN 'High' THEN 2 WHEN 'Medium' THEN 1 ELSE 0 END"
        }
    };
    let dir = if q.ascending { "ASC" } else { "DESC" };
    w.params.push(crate::FilterValue::Int(q.limit));
    w.params.push(crate::FilterValue::Int(q.offset));
    let n = w.params.len();
    let text = format!(
        "SELECT data FROM cases WHERE {} ORDER BY {sort} {dir}, id {dir} LIMIT ${} OFFSET ${}",
        w.condition,
        n - 1,
        n
    );
    let rows = super::workitems::bind_all(sqlx::query(&text), &w.params)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| parse(&r.try_get::<String, _>("data")?))
        .collect()
}

pub async fn count(pool: &AnyPool, q: &crate::CaseQuery) -> Result<i64> {
    let Some(w) = build(q) else { return Ok(0) };
    let text = format!("SELECT COUNT(*) FROM cases WHERE {}", w.condition);
    let mut query = sqlx::query_scalar::<_, i64>(&text);
    for p in &w.params {
        query = match p {
            crate::FilterValue::Text(s) => query.bind(s.clone()),
            crate::FilterValue::Int(i) => query.bind(*i),
            crate::FilterValue::Number(n) => query.bind(*n),
            crate::FilterValue::Bool(b) => query.bind(i64::from(*b)),
        };
    }
    Ok(query.fetch_one(pool).await?)
}
