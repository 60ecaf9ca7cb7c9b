//! The event and outbox rows every mutation writes in its own transaction.

use super::tx::{self, Query, Tx};
use sqlx::{AnyPool, Row};

use super::rows::{instant, millis, parse_json};
use crate::{Change, Event, Result, Snapshot};

const ROWS_PER_STATEMENT: usize = 500;

/// Entity types whose every event carries the whole entity as `after`: a change's `before`
/// is then the previous version's `after`, so it is not stored again (the history reads fill
/// it back in). Their snapshots are the bulk of what the hot write paths write.
const BEFORE_FROM_PREVIOUS: &[&str] = &["workitem", "case"];

fn before_is_derived(entity_type: &str, version: i64) -> bool {
    version > 1 && BEFORE_FROM_PREVIOUS.contains(&entity_type)
}

pub async fn record(conn: &mut Tx, change: &Change) -> Result<()> {
    tx::run_all(conn, rows(std::iter::once(change))).await
}

/// The statements that write `changes`' events (one multi-row `INSERT`) and outbox messages;
/// built before the unit of work runs, so the snapshots are serialised off the writer.
pub fn rows<'c>(changes: impl Iterator<Item = &'c Change>) -> Vec<Query<'static>> {
    let mut events = Vec::new();
    let mut outbox = Vec::new();
    for change in changes {
        events.push(&change.event);
        outbox.extend(change.outbox.iter().map(|m| (m, change.event.at)));
    }
    let mut statements = Vec::with_capacity(2);
    // Chunks keep a statement well under both databases' limits on bound parameters.
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let mut q = tx::query_owned(format!(
            "INSERT INTO events (entity_type, entity_id, version, kind, actor_id, at, before, after) VALUES {}",
            tuples(chunk.len(), 8)
        ));
        for e in chunk {
            q = q
                .bind(e.entity_type)
                .bind(&e.entity_id)
                .bind(e.version)
                .bind(e.kind)
                .bind(&e.actor_id)
                .bind(millis(e.at))
                .bind(if before_is_derived(e.entity_type, e.version) {
                    None
                } else {
                    e.before.as_ref().map(Snapshot::as_str)
                })
                .bind(e.after.as_ref().map(Snapshot::as_str));
        }
        statements.push(q);
    }
    for chunk in outbox.chunks(ROWS_PER_STATEMENT) {
        let mut q = tx::query_owned(format!(
            "INSERT INTO outbox (topic, payload, created_at, available_at) VALUES {}",
            tuples(chunk.len(), 4)
        ));
        for (message, at) in chunk {
            q = q
                .bind(&message.topic)
                .bind(message.payload.to_string())
                .bind(millis(*at))
                .bind(millis(message.available_at));
        }
        statements.push(q);
    }
    statements
}

/// `($1, …, $w), ($w+1, …)`: `n` tuples of `width` placeholders.
fn tuples(n: usize, width: usize) -> String {
    (0..n)
        .map(|i| format!("({})", super::fragments::placeholders(i * width + 1, width)))
        .collect::<Vec<_>>()
        .join(", ")
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
    let mut events = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    for i in 1..events.len() {
        if events[i].before.is_none()
            && before_is_derived(entity_type, events[i].version)
            && events[i - 1].version == events[i].version - 1
        {
            events[i].before = events[i - 1].after.clone();
        }
    }
    Ok(events)
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
    let mut event = from_row(&row)?;
    if event.before.is_none() && before_is_derived(entity_type, version) {
        let previous: Option<String> = sqlx::query_scalar(
            "SELECT after FROM events WHERE entity_type = $1 AND entity_id = $2 AND version = $3",
        )
        .bind(entity_type)
        .bind(entity_id)
        .bind(version - 1)
        .fetch_optional(pool)
        .await?
        .flatten();
        event.before = parse_json(previous)?;
    }
    Ok(event)
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
