//! The event and outbox rows every mutation writes in its own transaction.

use super::tx::{self, Tx};
use sqlx::{AnyPool, Row};

use super::rows::{instant, json_text, millis, parse_json};
use crate::{Change, Event, Result};

pub async fn record(conn: &mut Tx, change: &Change) -> Result<()> {
    let e = &change.event;
    tx::query(
        "INSERT INTO events (entity_type, entity_id, version, kind, actor_id, at, before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.entity_type)
    .bind(&e.entity_id)
    .bind(e.version)
    .bind(e.kind)
    .bind(&e.actor_id)
    .bind(millis(e.at))
    .bind(json_text(&e.before))
    .bind(json_text(&e.after))
    .execute(&mut *conn)
    .await?;
    for message in &change.outbox {
        tx::query(
            "INSERT INTO outbox (topic, payload, created_at, available_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&message.topic)
        .bind(message.payload.to_string())
        .bind(millis(e.at))
        .bind(millis(message.available_at))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

const COLUMNS: &str = "seq, entity_type, entity_id, version, kind, actor_id, at, before, after";

pub async fn events(pool: &AnyPool, entity_type: &str, entity_id: &str) -> Result<Vec<Event>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE entity_type = $1 AND entity_id = $2 ORDER BY seq"
    );
    let rows = sqlx::query(&sql)
        .bind(entity_type)
        .bind(entity_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn event_at_version(
    pool: &AnyPool,
    entity_type: &str,
    entity_id: &str,
    version: i64,
) -> Result<Event> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE entity_type = $1 AND entity_id = $2 AND version = $3"
    );
    let row = sqlx::query(&sql)
        .bind(entity_type)
        .bind(entity_id)
        .bind(version)
        .fetch_one(pool)
        .await?;
    from_row(&row)
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<Event> {
    Ok(Event {
        seq: row.try_get("seq")?,
        entity_type: row.try_get("entity_type")?,
        entity_id: row.try_get("entity_id")?,
        version: row.try_get("version")?,
        kind: row.try_get("kind")?,
        actor_id: row.try_get("actor_id")?,
        at: instant(row.try_get("at")?)?,
        before: parse_json(row.try_get("before")?)?,
        after: parse_json(row.try_get("after")?)?,
    })
}

pub async fn outbox_len(pool: &AnyPool) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(pool)
        .await?)
}
