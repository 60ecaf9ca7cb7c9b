//! Division rows.

use super::tx::{self, Tx};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::fragments::{division_condition, placeholders};
use super::guarded::missing_or_stale;
use super::rows::{instant, millis};
use crate::{Division, DivisionFilter, Error, Listing, Page, Result};

const COLUMNS: &str = "id, name, description, home, version, date_created, date_modified";

fn from_row(row: &AnyRow) -> Result<Division> {
    Ok(Division {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        home: row.try_get::<i64, _>("home")? == 1,
        version: row.try_get("version")?,
        date_created: instant(row.try_get("date_created")?)?,
        date_modified: instant(row.try_get("date_modified")?)?,
    })
}

pub async fn home(pool: &AnyPool) -> Result<Division> {
    let sql = format!("SELECT {COLUMNS} FROM divisions WHERE home = 1");
    let row = sqlx::query(&sql).fetch_one(pool).await?;
    from_row(&row)
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Division> {
    let sql = format!("SELECT {COLUMNS} FROM divisions WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_one(pool).await?;
    from_row(&row)
}

pub async fn list(
    pool: &AnyPool,
    filter: &DivisionFilter,
    page: Page,
) -> Result<Listing<Division>> {
    let Some((mut condition, mut params)) = division_condition("id", &filter.visible, 1) else {
        return Ok(Listing {
            entities: Vec::new(),
            total: 0,
        });
    };
    if let Some(ids) = &filter.ids {
        if ids.is_empty() {
            return Ok(Listing {
                entities: Vec::new(),
                total: 0,
            });
        }
        condition.push_str(&format!(
            " AND id IN ({})",
            placeholders(params.len() + 1, ids.len())
        ));
        params.extend(ids.iter().cloned());
    }
    if let Some(name) = &filter.name {
        condition.push_str(&format!(" AND name_key = ${}", params.len() + 1));
        params.push(name.to_lowercase());
    }
    let count_sql = format!("SELECT COUNT(*) FROM divisions WHERE {condition}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for p in &params {
        count = count.bind(p);
    }
    let total = count.fetch_one(pool).await?;
    let n = params.len();
    let sql = format!(
        "SELECT {COLUMNS} FROM divisions WHERE {condition} ORDER BY home DESC, name_key, id LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut query = sqlx::query(&sql);
    for p in &params {
        query = query.bind(p);
    }
    let rows = query
        .bind(page.size)
        .bind(page.offset())
        .fetch_all(pool)
        .await?;
    let entities = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(Listing { entities, total })
}

pub async fn object_counts(pool: &AnyPool, id: &str) -> Result<Vec<(String, i64)>> {
    let users: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE division_id = $1 AND state <> 'deleted'",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    Ok(vec![("user".to_owned(), users)])
}

pub async fn insert(conn: &mut Tx, d: &Division) -> Result<()> {
    tx::query(
        "INSERT INTO divisions (id, name, name_key, description, home, version, date_created, date_modified)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&d.id)
    .bind(&d.name)
    .bind(d.name.to_lowercase())
    .bind(&d.description)
    .bind(i64::from(d.home))
    .bind(d.version)
    .bind(millis(d.date_created))
    .bind(millis(d.date_modified))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn update(conn: &mut Tx, d: &Division, expected_version: i64) -> Result<()> {
    let done = tx::query(
        "UPDATE divisions SET name = $1, name_key = $2, description = $3, version = $4, date_modified = $5
         WHERE id = $6 AND version = $7",
    )
    .bind(&d.name)
    .bind(d.name.to_lowercase())
    .bind(&d.description)
    .bind(d.version)
    .bind(millis(d.date_modified))
    .bind(&d.id)
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    if done == 0 {
        return Err(missing_or_stale(conn, "divisions", &d.id).await);
    }
    Ok(())
}

/// Deletes an empty, non-home division and the grants scoped to it.
pub async fn delete(conn: &mut Tx, id: &str) -> Result<()> {
    let users: i64 = tx::query("SELECT COUNT(*) FROM users WHERE division_id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    if users > 0 {
        return Err(Error::Conflict {
            constraint: "users.division_id".to_owned(),
        });
    }
    tx::query("DELETE FROM grants WHERE division = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let done = tx::query("DELETE FROM divisions WHERE id = $1 AND home = 0")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if done == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}
