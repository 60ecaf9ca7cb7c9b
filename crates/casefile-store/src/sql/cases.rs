//! Case rows and gap-free reference numbers.

use casefile_domain::case::engine::Case;
use casefile_domain::case::reference;
use sqlx::{AnyConnection, AnyPool, Row};

use super::missing_or_stale;
use super::rows::millis;
use crate::Result;

fn parse(data: &str) -> Result<Case> {
    Ok(serde_json::from_str(data)?)
}

/// Takes the next number of the caseplan's sequence (1, 2, …) in the caller's transaction.
pub async fn next_number(conn: &mut AnyConnection, caseplan_id: &str) -> Result<i64> {
    let n: i64 = sqlx::query_scalar(
        "INSERT INTO case_counters (caseplan_id, next_number) VALUES ($1, 2)
         ON CONFLICT (caseplan_id) DO UPDATE SET next_number = case_counters.next_number + 1
         RETURNING next_number - 1",
    )
    .bind(caseplan_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n)
}

pub async fn insert(conn: &mut AnyConnection, c: &Case) -> Result<()> {
    sqlx::query(
        "INSERT INTO cases (id, division_id, caseplan_id, caseplan_version, reference_key, status, owner_id, priority,
             external_contact_id, customer_intent_id, date_due, date_created, date_modified, date_closed, version, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&c.id)
    .bind(&c.division_id)
    .bind(&c.caseplan_id)
    .bind(c.caseplan_version)
    .bind(reference::key(&c.reference))
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
    .bind(serde_json::to_string(c)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn update(conn: &mut AnyConnection, c: &Case, expected_version: i64) -> Result<()> {
    let done = sqlx::query(
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
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(missing_or_stale(conn, "cases", &c.id).await);
    }
    Ok(())
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Case> {
    let data: String = sqlx::query_scalar("SELECT data FROM cases WHERE id = $1").bind(id).fetch_one(pool).await?;
    parse(&data)
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
    rows.iter().map(|r| parse(&r.try_get::<String, _>("data")?)).collect()
}

pub async fn exists_for_caseplan(conn: &mut AnyConnection, caseplan_id: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE caseplan_id = $1")
        .bind(caseplan_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n > 0)
}

