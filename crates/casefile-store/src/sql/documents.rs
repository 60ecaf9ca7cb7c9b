//! Configuration objects kept as JSON documents.

use super::tx::{self, Tx};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::fragments::{division_condition, placeholders};
use super::guarded::missing_or_stale;
use super::rows::{instant, millis};
use crate::{Document, DocumentFilter, DocumentWrite, Error, Result};

const COLUMNS: &str =
    "id, kind, division_id, parent_id, name, version, data, date_created, date_modified";

fn from_row(kind: &'static str, row: &AnyRow) -> Result<Document> {
    let parent: String = row.try_get("parent_id")?;
    let data: String = row.try_get("data")?;
    Ok(Document {
        kind,
        id: row.try_get("id")?,
        division_id: row.try_get("division_id")?,
        parent_id: (!parent.is_empty()).then_some(parent),
        name: row.try_get("name")?,
        refs: Vec::new(),
        version: row.try_get("version")?,
        data: serde_json::from_str(&data)?,
        date_created: instant(row.try_get("date_created")?)?,
        date_modified: instant(row.try_get("date_modified")?)?,
    })
}

pub async fn get(pool: &AnyPool, kind: &'static str, id: &str) -> Result<Document> {
    let sql = format!("SELECT {COLUMNS} FROM documents WHERE id = $1 AND kind = $2");
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(kind)
        .fetch_one(pool)
        .await?;
    from_row(kind, &row)
}

pub async fn list(
    pool: &AnyPool,
    kind: &'static str,
    filter: &DocumentFilter,
) -> Result<Vec<Document>> {
    let mut params = vec![kind.to_owned()];
    let mut condition = "kind = $1".to_owned();
    match division_condition("division_id", &filter.visible, 2) {
        None => condition.push_str(" AND division_id IS NULL"),
        Some((c, p)) if !p.is_empty() => {
            condition.push_str(&format!(" AND (division_id IS NULL OR {c})"));
            params.extend(p);
        }
        Some(_) => {}
    }
    if let Some(parent) = &filter.parent_id {
        params.push(parent.clone());
        condition.push_str(&format!(" AND parent_id = ${}", params.len()));
    }
    if let Some(name) = &filter.name {
        params.push(name.to_lowercase());
        condition.push_str(&format!(" AND name_key = ${}", params.len()));
    }
    let sql = format!("SELECT {COLUMNS} FROM documents WHERE {condition} ORDER BY name_key, id");
    let mut query = sqlx::query(&sql);
    for p in &params {
        query = query.bind(p);
    }
    let rows = query.fetch_all(pool).await?;
    rows.iter().map(|r| from_row(kind, r)).collect()
}

pub async fn count(pool: &AnyPool, kind: &'static str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM documents WHERE kind = $1")
            .bind(kind)
            .fetch_one(pool)
            .await?,
    )
}

pub async fn write(conn: &mut Tx, write: &DocumentWrite) -> Result<()> {
    match write {
        DocumentWrite::Insert(d) => insert(conn, d).await,
        DocumentWrite::Update {
            document,
            expected_version,
        } => update(conn, document, *expected_version).await,
        DocumentWrite::Delete { kind, id } => delete(conn, kind, id).await,
    }
}

async fn insert(conn: &mut Tx, d: &Document) -> Result<()> {
    tx::query(
        "INSERT INTO documents (id, kind, division_id, parent_id, name, name_key, version, data, date_created, date_modified)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&d.id)
    .bind(d.kind)
    .bind(&d.division_id)
    .bind(d.parent_id.clone().unwrap_or_default())
    .bind(&d.name)
    .bind(d.name.to_lowercase())
    .bind(d.version)
    .bind(d.data.to_string())
    .bind(millis(d.date_created))
    .bind(millis(d.date_modified))
    .execute(&mut *conn)
    .await?;
    replace_refs(conn, d).await
}

async fn update(conn: &mut Tx, d: &Document, expected_version: i64) -> Result<()> {
    let done = tx::query(
        "UPDATE documents SET division_id = $1, name = $2, name_key = $3, version = $4, data = $5, date_modified = $6
         WHERE id = $7 AND kind = $8 AND version = $9",
    )
    .bind(&d.division_id)
    .bind(&d.name)
    .bind(d.name.to_lowercase())
    .bind(d.version)
    .bind(d.data.to_string())
    .bind(millis(d.date_modified))
    .bind(&d.id)
    .bind(d.kind)
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    if done == 0 {
        return Err(missing_or_stale(conn, "documents", &d.id).await);
    }
    replace_refs(conn, d).await
}

async fn replace_refs(conn: &mut Tx, d: &Document) -> Result<()> {
    tx::query("DELETE FROM document_refs WHERE from_id = $1")
        .bind(&d.id)
        .execute(&mut *conn)
        .await?;
    for to in &d.refs {
        tx::query(
            "INSERT INTO document_refs (from_id, to_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(&d.id)
        .bind(to)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn delete(conn: &mut Tx, kind: &str, id: &str) -> Result<()> {
    let exists: Option<String> = tx::query("SELECT id FROM documents WHERE id = $1 AND kind = $2")
        .bind(id)
        .bind(kind)
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_none() {
        return Err(Error::NotFound);
    }
    let mut ids: Vec<String> = tx::query("SELECT id FROM documents WHERE parent_id = $1")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    ids.push(id.to_owned());
    let list = placeholders(1, ids.len());
    let n = ids.len();
    let referenced = format!(
        "SELECT COUNT(*) FROM document_refs WHERE to_id IN ({list}) AND from_id NOT IN ({})",
        placeholders(n + 1, n)
    );
    let mut q = tx::query(&referenced);
    for i in ids.iter().chain(ids.iter()) {
        q = q.bind(i);
    }
    let mut in_use = q.fetch_one::<i64>(&mut *conn).await? > 0;
    if !in_use {
        let sql = format!(
            "SELECT COUNT(*) FROM workitems WHERE workbin_id IN ({list}) OR type_id IN ({list}) OR status_id IN ({list})"
        );
        let mut q = tx::query(&sql);
        for i in &ids {
            q = q.bind(i);
        }
        in_use = q.fetch_one::<i64>(&mut *conn).await? > 0;
    }
    if !in_use {
        // Cases refer to their caseplan and customer intent.
        let sql = format!(
            "SELECT COUNT(*) FROM cases WHERE caseplan_id IN ({list}) OR customer_intent_id IN ({list})"
        );
        let mut q = tx::query(&sql);
        for i in &ids {
            q = q.bind(i);
        }
        in_use = q.fetch_one::<i64>(&mut *conn).await? > 0;
    }
    if in_use {
        return Err(Error::Conflict {
            constraint: "in_use".to_owned(),
        });
    }
    let sql = format!("DELETE FROM documents WHERE id IN ({list})");
    let mut q = tx::query(&sql);
    for i in &ids {
        q = q.bind(i);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}
