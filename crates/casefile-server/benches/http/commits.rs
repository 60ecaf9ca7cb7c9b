//! The database's own commit rate: single-row autocommit `INSERT`s into a scratch table,
//! through sqlx connections of the benchmark's own (not the server's).

use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::Connection;

use super::clients::CLIENTS;
use super::database::Database;
use super::outcome::{Outcome, micros};

/// Single-row autocommit INSERTs into a scratch table for `duration`, each task on its own
/// connection (no pool: a pool would ping the connection before every statement).
pub async fn commit_rate(
    database: &Database,
    duration: Duration,
) -> anyhow::Result<(Outcome, usize)> {
    let url = database.commits_url();
    let sqlite = matches!(database, Database::Sqlite { .. });
    // SQLite has one writer at a time; PostgreSQL gets as many connections as there are clients.
    let connections = if sqlite { 1 } else { CLIENTS };
    let mut conns = Vec::with_capacity(connections);
    for _ in 0..connections {
        let mut conn = sqlx::AnyConnection::connect(&url)
            .await
            .context("connecting for the commit-rate measurement")?;
        if sqlite {
            // The server's own settings (casefile-store's SQLite pools).
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&mut conn)
                .await?;
            sqlx::query("PRAGMA synchronous = FULL")
                .execute(&mut conn)
                .await?;
        }
        conns.push(conn);
    }
    if let Some(conn) = conns.first_mut() {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS bench_commits \
             (task BIGINT NOT NULL, n BIGINT NOT NULL, payload TEXT NOT NULL)",
        )
        .execute(conn)
        .await?;
    }
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(task, mut conn)| {
            tokio::spawn(async move {
                let mut out = Outcome::default();
                let task = i64::try_from(task).unwrap_or(i64::MAX);
                let mut n: i64 = 0;
                while Instant::now() < deadline {
                    n += 1;
                    let began = Instant::now();
                    let done = sqlx::query(
                        "INSERT INTO bench_commits (task, n, payload) VALUES ($1, $2, $3)",
                    )
                    .bind(task)
                    .bind(n)
                    .bind(format!("t{n}"))
                    .execute(&mut conn)
                    .await;
                    match done {
                        Ok(_) => {
                            out.ok += 1;
                            out.latencies_us.push(micros(began.elapsed()));
                        }
                        Err(e) => out.record_failure(format!("INSERT: {e}")),
                    }
                }
                let _ = conn.close().await;
                out
            })
        })
        .collect();
    let mut total = Outcome::default();
    for task in tasks {
        total.merge(task.await?);
    }
    Ok((total.finish(started.elapsed()), connections))
}
